// The standard workload generator (see generator.hpp and shared/workload.md).
//
// Design notes
// - Everything a document holds is derived from (seed, episode index, version)
//   by hashing, so resends and corrections regenerate an earlier episode
//   instead of keeping it: the only per-episode state is a one-byte version
//   counter. Citizens and facilities are derived from their index the same way.
// - Citizens: citizen i maps through an affine permutation of [0, P) to a
//   rank; ranks are laid out in (birth province, sex, birth year) buckets sized
//   by the census, so the 6-digit serial of the citizen ID is the offset inside
//   the bucket (through a bijection): unique without storing anything. The
//   social-insurance code and the old 9-digit ID are affine bijections of i.
// - Visits: a second permutation orders citizens into visit-frequency classes;
//   an episode draws a class by its share of visits, then a citizen of it.
// - Time: episode j is admitted at day floor(j * D / V) of the run, with the
//   time of day increasing within the day, so NGAY_VAO never decreases.
// - Only integer arithmetic and our own PRNG (splitmix64) decide the output,
//   so it is identical on every platform and library.
//
// Layout: random.hpp, dates.hpp, json_writer.hpp (the writer W) and model.hpp
// (the Plan and Generator::Impl) are internal headers; setup.cpp builds Impl,
// citizens.cpp, episodes.cpp, serialise.cpp, mutate.cpp and reorder.cpp hold
// its parts, and this file the document stream and the Generator facade.
#include "tools/workload/generator.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tools/workload/model.hpp"

namespace ehb::workload {

// ------------------------------------------------------------------ the stream

void Generator::Impl::emit(uint64_t j, uint32_t version, std::string& doc, bool reordered) {
    Plan& p = *plan_;
    build(j, p);
    correct(p, version);
    W w{buf.data()};
    serialize(p, w);
    const std::string_view json(buf.data(), static_cast<size_t>(w.p - buf.data()));
    if (reordered) {
        reorder(json, doc);
    } else {
        doc.assign(json);
        if (p.kind == kInvalid) make_invalid(p, doc);
    }
    last_kind_ = p.kind;
}

uint64_t Generator::Impl::pick_target(DocType t) {
    Rng r(hash3(cfg.seed, kSaltTarget, counts.records));
    const uint64_t n = emitted_new;
    uint64_t d;
    if (t == kReorder) {
        d = r.below(n);
    } else {
        // Recent episodes are resent most (retries), corrections come days later.
        const uint64_t scale = t == kResend ? 2000 : 60000;
        d = r.below(1 + r.below(2 * scale));
        if (d >= n) d = r.below(n);
    }
    uint64_t j = n - 1 - d;
    for (uint64_t step = 0; step < n; ++step) {
        if (base_kind(j) != kInvalid && (t != kCorrection || versions[j] < 255)) return j;
        j = j == 0 ? n - 1 : j - 1;
    }
    return UINT64_MAX;
}

bool Generator::Impl::next(std::string& doc) {
    if (counts.records >= total) return false;
    const uint64_t left = rem[kNew] + rem[kResend] + rem[kCorrection] + rem[kReorder];
    uint64_t x = sched.below(left);
    DocType t = kNew;
    for (int k = 0; k < 4; ++k) {
        if (x < rem[k]) {
            t = static_cast<DocType>(k);
            break;
        }
        x -= rem[k];
    }
    if (t != kNew && valid_new == 0 && rem[kNew] > 0) t = kNew;  // nothing valid to refer to yet
    --rem[t];

    ++counts.records;
    if (t == kNew) {
        const uint64_t j = emitted_new++;
        emit(j, 0, doc, false);
        if (last_kind_ == kInvalid) {
            ++counts.rejected;
        } else {
            ++counts.accepted;
            ++valid_new;
            if (last_kind_ == kConflict) ++counts.flagged;
        }
    } else {
        uint64_t j = valid_new ? pick_target(t) : UINT64_MAX;
        if (j == UINT64_MAX && t == kCorrection && valid_new) {
            t = kResend;  // every valid episode already has 255 versions
            j = pick_target(t);
        }
        if (j == UINT64_MAX) {
            // Degenerate mix (every episode invalid): resend the last one, rejected again.
            j = emitted_new - 1;
            emit(j, 0, doc, false);
            ++counts.rejected;
        } else if (t == kCorrection) {
            ++versions[j];
            emit(j, versions[j], doc, false);
            ++counts.new_version;
            if (last_kind_ == kConflict) ++counts.flagged;
        } else {
            emit(j, versions[j], doc, t == kReorder);
            ++counts.duplicate;
        }
    }
    counts.bytes += doc.size();
    return true;
}

// ================================================================== Generator

Generator::Generator(const Config& config) : impl_(std::make_unique<Impl>(config)) {}
Generator::~Generator() = default;
Generator::Generator(Generator&&) noexcept = default;
Generator& Generator::operator=(Generator&&) noexcept = default;

bool Generator::next(std::string& doc) { return impl_->next(doc); }
const Counts& Generator::expected() const { return impl_->counts; }
uint64_t Generator::documents_total() const { return impl_->total; }

std::string Generator::citizen_id(uint64_t i) const {
    char b[16];
    W w{b};
    impl_->write_citizen_id(w, impl_->citizen(i));
    return std::string(b, w.p);
}

std::string Generator::card_number(uint64_t i) const {
    char b[16];
    W w{b};
    impl_->write_card(w, impl_->citizen(i));
    return std::string(b, w.p);
}

}  // namespace ehb::workload
