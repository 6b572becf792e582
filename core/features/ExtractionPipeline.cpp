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
#include <utility>
#include <map>
#include <cmath>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "core/common/Error.h"
#include "core/features/FeatureExtractor.h"
#include "core/features/FeatureStore.h"
#include "core/features/Sha256.h"
#ifndef TRAILERLAB_NO_VIDEO
#include "core/video/FrameSampler.h"
#endif

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

struct Message {
    enum class Kind { Frame, End } kind = Kind::Frame;
    std::size_t slot = 0;
    std::vector<float> chw;                // Frame
    bool ok = false;                       // End
    std::optional<StoredVideo> stored;     // End from the cache
    std::string error;
    std::string videoHash;
    std::string storeProblem;              // a rejected cache entry (moved aside, recomputed)
    int warnings = 0;
};

bool allFinite(const std::vector<float>& values)
{
    return std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
}

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


// What the assembler hands to the inference thread, in order: a full (or last) batch, or
// the end of a video with the number of samples the assembler made of it.
struct Work {
    std::vector<float> batch;
    std::vector<std::size_t> owners;  // video slot of each sample of the batch
    std::optional<Message> end;
    std::size_t samples = 0;          // with `end`: the video's samples in all batches
};

struct VideoState {  // inference thread only
    FeaturePooler pooler;
    std::size_t absorbed = 0;         // samples through the model
    std::size_t samples = 0;          // samples in total (known at the end)
    bool ended = false;
    bool finalised = false;
    std::string videoHash;
    int warnings = 0;
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

    const int size = extractor.inputSize();
    const std::size_t frameFloats = 3u * static_cast<std::size_t>(size) * static_cast<std::size_t>(size);
    const std::size_t perSample = static_cast<std::size_t>(std::max(1, extractor.framesPerSample()));
    const bool gpu = extractor.device().isCuda();
    const std::size_t batchSamples = std::max<std::size_t>(1, (options.batchSize ? options.batchSize : (gpu ? 64 : 16)) / perSample);
    const std::size_t capacity = options.queueCapacity ? options.queueCapacity : 2 * batchSamples * perSample;

    video::SamplerOptions sampler = options.sampler;
    sampler.makeTensor = true;
    sampler.thumbWidth = 0;
    if (sampler.inputSize != size) {
        sampler.resizeShorterSide = static_cast<int>(std::lround(sampler.resizeShorterSide * double(size) / sampler.inputSize));
        sampler.inputSize = size;
    }
    FrameSource source = options.source;
    if (!source) {
#ifdef TRAILERLAB_NO_VIDEO
        throw ConfigError("this build has no video decoding (TRAILERLAB_NO_VIDEO): pass a frame source");
#else
        auto frameSampler = std::make_shared<video::FrameSampler>(sampler);  // throws ConfigError on bad options
        source = [frameSampler](const VideoItem& item, const FrameSink& sink, const JobContext& c) {
            const video::SamplingResult r = frameSampler->run(item.path, [&](video::SampledFrame&& f) { sink(std::move(f.chw)); }, c);
            return r.warnings.total();
        };
#endif
    }

    std::optional<FeatureStore> store;
    if (!options.cacheDir.empty())
        store.emplace(options.cacheDir);
    const std::string modelKey = extractor.name() + " dim=" + std::to_string(extractor.featureDim()) +
                                 " frames/sample=" + std::to_string(perSample) +
                                 (extractor.halfPrecision() ? " precision=fp16" : "");
    auto keyFor = [&](const std::string& hash) {
        return StoreKey{hash, modelKey, extractor.weightsId(), describeSampling(sampler), describePreprocessing(sampler)};
    };

    // Decoders ---------------------------------------------------------------
    BoundedQueue<Message> queue(capacity);
    const int workers = std::clamp(options.decodeWorkers, 1, std::max(1, static_cast<int>(videos.size())));
    queue.setProducers(workers);
    std::atomic<std::size_t> next{0};
    const JobContext workerCtx({}, ctx.token());
    auto produce = [&] {
        for (std::size_t slot; (slot = next.fetch_add(1)) < videos.size();) {
            Message end;
            end.kind = Message::Kind::End;
            end.slot = slot;
            try {
                if (store) {
                    end.videoHash = sha256File(videos[slot].path);
                    StoreLoad loaded = store->loadChecked(keyFor(end.videoHash));
                    end.storeProblem = std::move(loaded.problem);
                    if (loaded.video) {
                        end.ok = true;
                        end.stored = std::move(loaded.video);
                        if (!queue.push(std::move(end)))
                            break;
                        continue;
                    }
                }
                end.warnings = source(videos[slot], [&](std::vector<float>&& chw) {
                    if (chw.size() != frameFloats)
                        throw ModelError("frame of " + std::to_string(chw.size()) + " floats, the model expects " +
                                         std::to_string(frameFloats));
                    Message m;
                    m.slot = slot;
                    m.chw = std::move(chw);
                    if (!queue.push(std::move(m)))
                        throw StopProducing{};
                }, workerCtx);
                end.ok = true;
            } catch (const StopProducing&) {
                break;
            } catch (const Cancelled&) {
                break;
            } catch (const std::exception& e) {
                end.ok = false;
                end.error = e.what();
            } catch (...) {
                end.ok = false;
                end.error = "unknown error";
            }
            if (!queue.push(std::move(end)))
                break;
        }
        queue.producerDone();
    };
    std::vector<std::thread> threads;
    BoundedQueue<Work> ready(2);
    ready.setProducers(1);
    struct Joiner {
        BoundedQueue<Message>& q;
        BoundedQueue<Work>& r;
        std::vector<std::thread>& t;
        ~Joiner()
        {
            q.close();
            r.close();
            for (auto& th : t)
                if (th.joinable())
                    th.join();
        }
    } joiner{queue, ready, threads};
    for (int i = 0; i < workers; ++i)
        threads.emplace_back(produce);

    // Assembler thread: frames -> batches (clips for clip models), in arrival order, so that
    // the copying overlaps the forward pass. It owns the clip buffers and sample counts.
    threads.emplace_back([&] {
        std::vector<std::vector<float>> clips(videos.size());
        std::vector<std::size_t> samples(videos.size(), 0);
        Work work;
        auto ship = [&] {
            if (work.owners.empty())
                return true;
            Work full = std::move(work);
            work = Work{};
            work.batch.reserve(batchSamples * perSample * frameFloats);
            return ready.push(std::move(full));
        };
        auto add = [&](std::size_t slot, const float* data) {
            work.batch.insert(work.batch.end(), data, data + perSample * frameFloats);
            work.owners.push_back(slot);
            ++samples[slot];
            return work.owners.size() < batchSamples || ship();
        };
        work.batch.reserve(batchSamples * perSample * frameFloats);
        bool open = true;
        while (open) {
            std::optional<Message> message = queue.pop();
            if (!message)
                break;
            const std::size_t slot = message->slot;
            std::vector<float>& clip = clips[slot];
            if (message->kind == Message::Kind::Frame) {
                if (perSample == 1) {
                    open = add(slot, message->chw.data());
                } else {
                    clip.insert(clip.end(), message->chw.begin(), message->chw.end());
                    if (clip.size() == perSample * frameFloats) {
                        open = add(slot, clip.data());
                        clip.clear();
                    }
                }
                continue;
            }
            if (!clip.empty()) {  // clip models: pad the last clip with its last frame
                const std::vector<float> last(clip.end() - static_cast<std::ptrdiff_t>(frameFloats), clip.end());
                while (clip.size() < perSample * frameFloats)
                    clip.insert(clip.end(), last.begin(), last.end());
                open = add(slot, clip.data());
                clip = {};
            }
            // The end may overtake the partial batch holding the video's last samples: the
            // inference thread finalises a video once all `samples` are absorbed.
            Work end;
            end.samples = samples[slot];
            end.end = std::move(message);
            open = open && ready.push(std::move(end));
        }
        if (open)
            ship();
        ready.producerDone();
    });

    // Inference on this thread (LibTorch keeps per-thread state, e.g. cuDNN plans) ----------
    std::vector<VideoState> states(videos.size());
    std::size_t videosDone = 0;
    // Videos read from the store finish at once: only computed ones set the ETA's pace.
    EtaEstimator eta;
    auto lastFinal = start;

    auto report = [&](const std::string& current) {
        const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        std::ostringstream d;
        d.precision(3);
        d << result.framesComputed << " frames, " << (elapsed > 0 ? double(result.framesComputed) / elapsed : 0.0)
          << " frames/s";
        if (const auto left = eta.remainingSeconds(videos.size() - videosDone); left && videosDone < videos.size())
            d << ", ETA " << std::lround(*left) << " s";
        if (!current.empty())
            d << ", " << current;
        ctx.report("extract", static_cast<double>(videosDone), static_cast<double>(videos.size()), d.str());
    };

    auto finalise = [&](std::size_t slot) {
        VideoState& st = states[slot];
        VideoOutcome& out = result.videos[slot];
        if (st.finalised || !st.ended || st.absorbed < st.samples)
            return;
        st.finalised = true;
        ++videosDone;
        const auto now = Clock::now();
        eta.itemDone(std::chrono::duration<double>(now - lastFinal).count(), !out.cached);
        lastFinal = now;
        if (out.ok && !out.cached && st.pooler.count() == 0) {
            out.ok = false;
            out.error = "no usable frame (every sampled frame was dropped or the video is empty)";
        }
        ItemProfile p;
        if (out.ok && !out.cached) {
            p = ItemProfile{videos[slot].id, st.pooler.count(), st.pooler.mean(), st.pooler.max(), st.pooler.stdDev()};
            if (!allFinite(p.mean) || !allFinite(p.max) || !allFinite(p.stdDev)) {
                out.ok = false;
                out.error = "the model gave non-finite features (NaN or infinity) for this video";
            }
        }
        if (out.ok && !out.cached) {
            out.frames = st.pooler.count();
            if (store) {
                StoredVideo sv{p.frames, p.mean, p.max, p.stdDev,
                               {{"item", p.id}, {"video", videos[slot].path.string()}, {"provenance", extractor.provenance()},
                                {"warnings", std::to_string(st.warnings)}}};
                store->save(keyFor(st.videoHash), sv);
            }
            result.profiles.push_back(std::move(p));
        }
        if (!out.ok) {
            ++result.failedVideos;
            if (store)
                store->recordFailure(keyFor(st.videoHash), videos[slot].id, videos[slot].path, out.error);
        }
        st.pooler = FeaturePooler();
        report(videos[slot].id);
    };

    report({});
    while (std::optional<Work> work = ready.pop()) {
        ctx.checkCancelled();
        if (!work->owners.empty()) {
            // A short last batch is padded to the full size: CPU kernels pick their blocking by
            // batch size, so a frame's features would otherwise depend (in the last bits) on
            // how many frames shared its forward pass, and a sharded run would not reproduce
            // the unsharded one exactly.
            const std::size_t used = work->batch.size();
            work->batch.resize(batchSamples * perSample * frameFloats, 0.0f);
            const auto t0 = Clock::now();
            RowMatrixF features = extractor.forward(work->batch.data(), batchSamples * perSample);
            work->batch.resize(used);
            if (static_cast<std::size_t>(features.rows()) == batchSamples)
                features.conservativeResize(static_cast<Eigen::Index>(work->owners.size()), Eigen::NoChange);
            result.forwardSeconds += std::chrono::duration<double>(Clock::now() - t0).count();
            if (static_cast<std::size_t>(features.rows()) != work->owners.size() ||
                static_cast<std::size_t>(features.cols()) != extractor.featureDim())
                throw ModelError(extractor.name() + " returned " + std::to_string(features.rows()) + " x " +
                                 std::to_string(features.cols()) + " features for " +
                                 std::to_string(work->owners.size()) + " samples");
            result.framesComputed += work->owners.size() * perSample;
            for (std::size_t i = 0; i < work->owners.size(); ++i) {
                VideoState& st = states[work->owners[i]];
                if (st.pooler.dims() == 0)  // allocated on a video's first features, freed when it is final
                    st.pooler = FeaturePooler(extractor.featureDim());
                st.pooler.add(features.row(static_cast<Eigen::Index>(i)).data());
                ++st.absorbed;
            }
            for (std::size_t slot : work->owners)
                finalise(slot);
            report({});
        }
        if (work->end) {
            Message& message = *work->end;
            VideoState& st = states[message.slot];
            VideoOutcome& out = result.videos[message.slot];
            st.ended = true;
            st.samples = work->samples;
            st.videoHash = message.videoHash;
            st.warnings = message.warnings;
            out.ok = message.ok;
            out.error = message.error;
            out.warnings = message.warnings;
            out.storeProblem = message.storeProblem;
            if (message.stored) {
                out.cached = true;
                out.frames = message.stored->frames;
                ++result.cachedVideos;
                result.profiles.push_back({videos[message.slot].id, message.stored->frames, std::move(message.stored->mean),
                                           std::move(message.stored->max), std::move(message.stored->stdDev)});
            }
            finalise(message.slot);
        }
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
