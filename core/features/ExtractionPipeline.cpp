#include "core/features/ExtractionPipeline.h"

#include "core/common/Eta.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>

#include "core/common/Error.h"
#include "core/features/BatchAssembler.h"
#include "core/features/ExtractionPlan.h"
#include "core/features/FeatureExtractor.h"
#include "core/features/FeatureStore.h"
#include "core/features/Sha256.h"
#include "core/features/VideoFinish.h"

namespace tl::features {

const std::vector<float>& ItemProfile::pooled(Pooling pooling) const
{
    switch (pooling) {
    case Pooling::Max: return max;
    case Pooling::Std: return stdDev;
    case Pooling::Mean: break;
    }
    return mean;
}

std::string describeSampling(const video::SamplerOptions& o)
{
    std::ostringstream s;
    s.precision(10);
    if (o.mode == video::SamplingMode::Uniform)
        s << "uniform fps=" << o.fps;
    else
        s << "shots thumb=" << o.shots.thumbSize << " window=" << o.shots.window << " mad=" << o.shots.madFactor
          << " floor=" << o.shots.minDifference << " minshot=" << o.shots.minShotSeconds;
    s << " skip=" << o.skipStart << "," << o.skipEnd;
    return s.str();
}

std::string describePreprocessing(const video::SamplerOptions& o)
{
    std::ostringstream s;
    s.precision(10);
    s << (o.resize == video::ResizeMode::Direct224 ? "direct" : "shorter-side-crop") << " size=" << o.inputSize << " shorter=" << o.resizeShorterSide << " mean="
      << o.mean[0] << "," << o.mean[1] << "," << o.mean[2] << " std=" << o.stdDev[0] << "," << o.stdDev[1] << ","
      << o.stdDev[2];
    if (o.dropUniform)
        s << " drop-uniform sd<" << o.uniformStdDev << " black<" << o.blackLevel;
    return s.str();
}

namespace {

using Clock = std::chrono::steady_clock;

// Decoder -> assembler: a frame of video `slot`, or how that video ended.
struct Message {
    std::size_t slot = 0;
    std::vector<float> chw;         // a frame (when !end)
    std::optional<VideoEnd> end;
};

// Bounded multi-producer, single-consumer queue. close() wakes everyone: push() then
// returns false, pop() drains what is left and then returns nothing.
template <typename Item>
class BoundedQueue {
public:
    explicit BoundedQueue(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

    bool push(Item&& m)
    {
        std::unique_lock lock(mutex_);
        notFull_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
        if (closed_)
            return false;
        items_.push_back(std::move(m));
        notEmpty_.notify_one();
        return true;
    }
    std::optional<Item> pop()
    {
        std::unique_lock lock(mutex_);
        notEmpty_.wait(lock, [&] { return !items_.empty() || closed_ || producers_ == 0; });
        if (items_.empty())
            return std::nullopt;
        Item m = std::move(items_.front());
        items_.pop_front();
        notFull_.notify_one();
        return m;
    }
    void setProducers(int n) { std::lock_guard lock(mutex_); producers_ = n; }
    void producerDone()
    {
        std::lock_guard lock(mutex_);
        --producers_;
        notEmpty_.notify_all();
    }
    void close()
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        notFull_.notify_all();
        notEmpty_.notify_all();
    }

private:
    std::size_t capacity_;
    std::mutex mutex_;
    std::condition_variable notFull_, notEmpty_;
    std::deque<Item> items_;
    int producers_ = 0;
    bool closed_ = false;
};

struct StopProducing {};  // thrown through the frame source when the queue is closed

// Feature-store keys of this run's videos (everything but the video's hash is fixed).
struct StoreKeys {
    std::string model, weights, sampling, preprocessing;
    StoreKey operator()(const std::string& videoHash) const
    {
        return StoreKey{videoHash, model, weights, sampling, preprocessing};
    }
};

// Decode-worker stage: one video into the queue, as frames and then its end, or as its
// end alone when the store has it or it fails. nullopt: the queue is closed or the job
// cancelled, so this worker stops (no end is sent).
std::optional<VideoEnd> decodeVideo(std::size_t slot, const VideoItem& video, const ExtractionPlan& plan,
                                    const FeatureStore* store, const StoreKeys& keys, BoundedQueue<Message>& queue,
                                    const JobContext& ctx)
{
    VideoEnd end;
    end.slot = slot;
    try {
        if (store) {
            end.videoHash = sha256File(video.path);
            StoreLoad loaded = store->loadChecked(keys(end.videoHash));
            end.storeProblem = std::move(loaded.problem);
            if (loaded.video) {
                end.ok = true;
                end.stored = std::move(loaded.video);
                return end;
            }
        }
        end.warnings = plan.source(video, [&](std::vector<float>&& chw) {
            if (chw.size() != plan.frameFloats)
                throw ModelError("frame of " + std::to_string(chw.size()) + " floats, the model expects " +
                                 std::to_string(plan.frameFloats));
            if (!queue.push(Message{slot, std::move(chw), std::nullopt}))
                throw StopProducing{};
        }, ctx);
        end.ok = true;
    } catch (const StopProducing&) {
        return std::nullopt;
    } catch (const Cancelled&) {
        return std::nullopt;
    } catch (const std::exception& e) {
        end.ok = false;
        end.error = e.what();
    } catch (...) {
        end.ok = false;
        end.error = "unknown error";
    }
    return end;
}

// Assembler stage: decoded frames -> batches, in arrival order, until the decoders are done
// or the inference side is gone.
void assembleBatches(const ExtractionPlan& plan, std::size_t videos, BoundedQueue<Message>& decoded,
                     BoundedQueue<AssembledWork>& ready)
{
    BatchAssembler assembler(videos, plan.batchSamples, plan.perSample, plan.frameFloats,
                             [&](AssembledWork&& work) { return ready.push(std::move(work)); });
    bool open = true;
    while (open) {
        std::optional<Message> message = decoded.pop();
        if (!message)
            break;
        open = message->end ? assembler.end(std::move(*message->end)) : assembler.frame(message->slot, message->chw);
    }
    if (open)
        assembler.flush();
    ready.producerDone();
}

// Inference stage (the calling thread: LibTorch keeps per-thread state, e.g. cuDNN plans):
// forward passes, pooling per video, each video's conclusion, progress.
class InferenceStage {
public:
    InferenceStage(FeatureExtractor& extractor, const std::vector<VideoItem>& videos, const ExtractionPlan& plan,
                   const FeatureStore* store, const StoreKeys& keys, ExtractionResult& result, const JobContext& ctx,
                   Clock::time_point start)
        : extractor_(extractor), videos_(videos), plan_(plan), store_(store), keys_(keys), result_(result), ctx_(ctx),
          start_(start), lastFinal_(start), states_(videos.size())
    {
    }

    void absorb(AssembledWork& work)
    {
        if (!work.owners.empty()) {
            const auto t0 = Clock::now();
            const RowMatrixF features = forwardFullBatch(extractor_, work.batch, work.owners.size(), plan_.batchSamples,
                                                         plan_.perSample, plan_.frameFloats);
            result_.forwardSeconds += std::chrono::duration<double>(Clock::now() - t0).count();
            result_.framesComputed += work.owners.size() * plan_.perSample;
            for (std::size_t i = 0; i < work.owners.size(); ++i) {
                VideoState& st = states_[work.owners[i]];
                if (st.pooler.dims() == 0)  // allocated on a video's first features, freed when it is final
                    st.pooler = FeaturePooler(extractor_.featureDim());
                st.pooler.add(features.row(static_cast<Eigen::Index>(i)).data());
                ++st.absorbed;
            }
            for (std::size_t slot : work.owners)
                finalise(slot);
            report({});
        }
        if (work.end)
            recordEnd(*work.end, work.samples);
    }

    void report(const std::string& current)
    {
        const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
        std::ostringstream d;
        d.precision(3);
        d << result_.framesComputed << " frames, " << (elapsed > 0 ? double(result_.framesComputed) / elapsed : 0.0)
          << " frames/s";
        if (const auto left = eta_.remainingSeconds(videos_.size() - videosDone_); left && videosDone_ < videos_.size())
            d << ", ETA " << std::lround(*left) << " s";
        if (!current.empty())
            d << ", " << current;
        ctx_.report("extract", static_cast<double>(videosDone_), static_cast<double>(videos_.size()), d.str());
    }

private:
    struct VideoState {
        FeaturePooler pooler;
        std::size_t absorbed = 0;  // samples through the model
        std::size_t samples = 0;   // samples in total (known at the end)
        bool ended = false;
        bool finalised = false;
        std::string videoHash;
        int warnings = 0;
    };

    void recordEnd(VideoEnd& end, std::size_t samples)
    {
        VideoState& st = states_[end.slot];
        VideoOutcome& out = result_.videos[end.slot];
        st.ended = true;
        st.samples = samples;
        st.videoHash = end.videoHash;
        st.warnings = end.warnings;
        out.ok = end.ok;
        out.error = end.error;
        out.warnings = end.warnings;
        out.storeProblem = end.storeProblem;
        if (end.stored) {
            out.cached = true;
            out.frames = end.stored->frames;
            ++result_.cachedVideos;
            result_.profiles.push_back({videos_[end.slot].id, end.stored->frames, std::move(end.stored->mean),
                                        std::move(end.stored->max), std::move(end.stored->stdDev)});
        }
        finalise(end.slot);
    }

    // Once a video has ended and all its samples went through the model.
    void finalise(std::size_t slot)
    {
        VideoState& st = states_[slot];
        VideoOutcome& out = result_.videos[slot];
        if (st.finalised || !st.ended || st.absorbed < st.samples)
            return;
        st.finalised = true;
        ++videosDone_;
        // Videos read from the store finish at once: only computed ones set the ETA's pace.
        const auto now = Clock::now();
        eta_.itemDone(std::chrono::duration<double>(now - lastFinal_).count(), !out.cached);
        lastFinal_ = now;
        std::optional<ItemProfile> profile = concludeVideo(videos_[slot].id, st.pooler, out);
        if (store_)
            storeConclusion(*store_, keys_(st.videoHash), out, profile ? &*profile : nullptr, extractor_.provenance(),
                            st.warnings);
        if (profile)
            result_.profiles.push_back(std::move(*profile));
        if (!out.ok)
            ++result_.failedVideos;
        st.pooler = FeaturePooler();
        report(videos_[slot].id);
    }

    FeatureExtractor& extractor_;
    const std::vector<VideoItem>& videos_;
    const ExtractionPlan& plan_;
    const FeatureStore* store_;
    const StoreKeys& keys_;
    ExtractionResult& result_;
    const JobContext& ctx_;
    Clock::time_point start_, lastFinal_;
    std::vector<VideoState> states_;
    std::size_t videosDone_ = 0;
    EtaEstimator eta_;
};

}  // namespace

ExtractionResult extractFeatures(FeatureExtractor& extractor, const std::vector<VideoItem>& videos,
                                 const PipelineOptions& options, const JobContext& ctx)
{
    const auto start = Clock::now();
    ExtractionResult result;
    result.model = extractor.name();
    result.provenance = extractor.provenance();
    result.device = extractor.deviceName();
    result.videos.resize(videos.size());
    for (std::size_t i = 0; i < videos.size(); ++i) {
        result.videos[i].id = videos[i].id;
        result.videos[i].path = videos[i].path;
    }

    const ExtractionPlan plan = planExtraction(extractor, options, videos.size());
    std::optional<FeatureStore> store;
    if (!options.cacheDir.empty())
        store.emplace(options.cacheDir);
    const StoreKeys keys{plan.modelKey, extractor.weightsId(), describeSampling(plan.sampler),
                         describePreprocessing(plan.sampler)};

    // Three kinds of thread: `workers` decoders -> one assembler -> inference on this one.
    BoundedQueue<Message> decoded(plan.queueCapacity);
    BoundedQueue<AssembledWork> ready(kReadyBatches);
    decoded.setProducers(plan.workers);
    ready.setProducers(1);
    std::vector<std::thread> threads;
    struct Joiner {  // closes the queues and joins, also when inference throws
        BoundedQueue<Message>& q;
        BoundedQueue<AssembledWork>& r;
        std::vector<std::thread>& t;
        ~Joiner()
        {
            q.close();
            r.close();
            for (auto& th : t)
                if (th.joinable())
                    th.join();
        }
    } joiner{decoded, ready, threads};

    std::atomic<std::size_t> next{0};
    const JobContext workerCtx({}, ctx.token());
    const FeatureStore* storeOrNull = store ? &*store : nullptr;
    for (int i = 0; i < plan.workers; ++i)
        threads.emplace_back([&] {
            for (std::size_t slot; (slot = next.fetch_add(1)) < videos.size();) {
                std::optional<VideoEnd> end = decodeVideo(slot, videos[slot], plan, storeOrNull, keys, decoded, workerCtx);
                if (!end || !decoded.push(Message{slot, {}, std::move(end)}))
                    break;
            }
            decoded.producerDone();
        });
    threads.emplace_back([&] { assembleBatches(plan, videos.size(), decoded, ready); });

    InferenceStage inference(extractor, videos, plan, storeOrNull, keys, result, ctx, start);
    inference.report({});
    while (std::optional<AssembledWork> work = ready.pop()) {
        ctx.checkCancelled();
        inference.absorb(*work);
    }
    ctx.checkCancelled();

    std::map<std::string, std::size_t> position;
    for (std::size_t i = 0; i < videos.size(); ++i)
        position.emplace(videos[i].id, i);
    std::stable_sort(result.profiles.begin(), result.profiles.end(),
                     [&](const ItemProfile& a, const ItemProfile& b) { return position[a.id] < position[b.id]; });
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    ctx.report("extract", static_cast<double>(videos.size()), static_cast<double>(videos.size()),
               std::to_string(result.framesComputed) + " frames, " + std::to_string(result.failedVideos) + " failed, " +
                   std::to_string(result.cachedVideos) + " from cache");
    return result;
}

FeatureMatrix itemProfileMatrix(const ExtractionResult& result, Pooling pooling)
{
    FeatureMatrix m;
    if (result.profiles.empty())
        return m;
    const std::size_t dims = result.profiles.front().pooled(pooling).size();
    auto source = [&](const ItemProfile& p) {
        for (const auto& v : result.videos)
            if (v.id == p.id)
                return (v.cached ? "feature-store entry of " : "features of ") + v.path.string();
        return std::string("its features");
    };
    m.values.resize(static_cast<Eigen::Index>(result.profiles.size()), static_cast<Eigen::Index>(dims));
    for (std::size_t i = 0; i < result.profiles.size(); ++i) {
        const ItemProfile& profile = result.profiles[i];
        const auto& v = profile.pooled(pooling);
        if (v.size() != dims)  // never copy a row of another length into the matrix
            throw DataError("item " + profile.id, 0, source(profile) + " hold " + std::to_string(v.size()) + " values, item " +
                                               result.profiles.front().id + " has " + std::to_string(dims));
        if (!allFinite(v))
            throw DataError("item " + profile.id, 0, source(profile) + " hold a non-finite value");
        m.ids.push_back(profile.id);
        std::memcpy(m.values.row(static_cast<Eigen::Index>(i)).data(), v.data(), sizeof(float) * dims);
    }
    return m;
}

}  // namespace tl::features
