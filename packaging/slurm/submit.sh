#!/bin/bash
# Submit a sharded TrailerLab extraction to SLURM: a job array of SHARDS tasks
# (extract-array.sbatch, one shard each) and a merge job (merge.sbatch) that starts
# only when every task of the array has succeeded (--dependency=afterok on the array's
# job id). If a shard fails, the merge is cancelled (--kill-on-invalid-dep=yes): rerun
# the failed shards (they resume from their stores), then submit merge.sbatch alone.
#
# usage: MANIFEST=... OUT=... CACHE=... [SHARDS=16] [MODEL=vgg19 WEIGHTS=...] \
#          packaging/slurm/submit.sh [sbatch options for the array, e.g. --partition=gpu --time=02:00:00]
#
# Environment, besides what extract-array.sbatch and merge.sbatch read:
#   SHARDS      number of shards N (default 16)
#   CONCURRENT  at most this many shards at once (sbatch --array=1-N%CONCURRENT)
#   LOG_DIR     where SLURM writes the job logs (default ./logs; created here)
#   MERGE_SBATCH_ARGS  sbatch options for the merge job, e.g. "--partition=cpu"
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${MANIFEST:?set MANIFEST to the item_id,video CSV}"
: "${OUT:?set OUT to the output matrix (.npy or .csv) on shared storage}"
: "${CACHE:?set CACHE to the feature store root on shared storage}"
SHARDS=${SHARDS:-16}
if ! [[ "$SHARDS" =~ ^[1-9][0-9]*$ ]]; then
    echo "submit.sh: SHARDS must be a positive integer, got '$SHARDS'" >&2
    exit 2
fi
LOG_DIR=${LOG_DIR:-logs}
mkdir -p "$LOG_DIR"  # SLURM does not create the folders of --output
# The jobs run in the submission folder; absolute paths keep them independent of it.
export MANIFEST OUT CACHE SHARDS
MANIFEST=$(realpath -m "$MANIFEST")
OUT=$(realpath -m "$OUT")
CACHE=$(realpath -m "$CACHE")
if [[ -n "${WEIGHTS:-}" ]]; then
    export WEIGHTS
    WEIGHTS=$(realpath -m "$WEIGHTS")
fi

array="1-$SHARDS${CONCURRENT:+%$CONCURRENT}"
# --parsable prints "jobid" or "jobid;cluster".
array_id=$(sbatch --parsable --array="$array" --export=ALL,SHARDS="$SHARDS" \
                  --output="$LOG_DIR/extract-%A_%a.out" "$@" "$here/extract-array.sbatch")
array_id=${array_id%%;*}
read -r -a merge_args <<< "${MERGE_SBATCH_ARGS:-}"
merge_id=$(sbatch --parsable --dependency=afterok:"$array_id" --kill-on-invalid-dep=yes \
                  --export=ALL,SHARDS="$SHARDS" --output="$LOG_DIR/merge-%j.out" \
                  "${merge_args[@]}" "$here/merge.sbatch")
merge_id=${merge_id%%;*}
echo "extraction: job array $array_id ($SHARDS shards), logs $LOG_DIR/extract-${array_id}_*.out"
echo "merge:      job $merge_id after all of them -> $OUT"
