#include "engine/ingest.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "engine/canonical.hpp"
#include "engine/principals.hpp"
#include "engine/signature_check.hpp"

namespace ehb {

int64_t now_us() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

Preparer::Preparer(const DictionarySet* dictionaries, ParseLimits limits, bool compress)
    : dictionaries_(dictionaries), compress_(compress), parser_(limits), xml_(limits.max_document_bytes), fhir_(limits.max_document_bytes) {}

void Preparer::prepare(std::string_view document, Prepared& out) {
    out.warnings.clear();
    out.source.clear();
    out.facility.clear();
    out.received_bytes = document.size();
    std::string_view episode = document;
    if (looks_like_xml(document)) {
        out.format = SourceFormat::xml;
        out.ok = xml_.read(document, submission_, out.error);
        if (!out.ok) return;
        episode = submission_.document;
        out.source.swap(submission_.signature);
    } else if (looks_like_fhir(document)) {
        out.format = SourceFormat::fhir;
        out.ok = fhir_.read(document, normalised_, out.error);
        if (!out.ok) return;
        episode = normalised_;
    } else {
        out.format = SourceFormat::json;
    }
    out.ok = parser_.parse(episode, out.record, out.error);
    if (!out.ok) {
        stats_.facility_of(episode, out.facility);  // best effort, for the connectivity monitor
        return;
    }
    stats_.extract(out.record, out.stats, out.facility);
    out.stats_tail.clear();
    out.stats.encode(out.stats_tail);
    person_record(out.record, out.person);
    person::prepare(out.person, out.profile);
    if (compress_) {
        auto dictionary = dictionaries_ ? dictionaries_->latest() : nullptr;
        out.codec = compressor_.compress(out.record.canonical, out.payload, dictionary.get());
    } else {
        out.codec = schema::Codec::raw;
        out.payload.assign(out.record.canonical);
    }
    if (out.record.warnings.empty()) return;
    out.warnings.push_back('[');
    for (const Issue& w : out.record.warnings) {
        if (out.warnings.size() > 1) out.warnings.push_back(',');
        out.warnings += "{\"code\":";
        append_canonical_string(out.warnings, w.code);
        out.warnings += ",\"field\":";
        append_canonical_string(out.warnings, w.field);
        out.warnings += ",\"reason\":";
        append_canonical_string(out.warnings, w.reason);
        out.warnings.push_back('}');
    }
    out.warnings.push_back(']');
}

void Applier::apply(StoreWriter& store, std::span<const Prepared> batch, std::string_view principal,
                    int64_t arrival_us, std::span<RecordResult> results) {
    std::string key;
    persons_.refresh_model(store);
    // The statistics' counters are summed over the whole commit and written once per key.
    if (!store.runs_before_commit(this)) {
        stats_.reset();
        store.before_commit(this, [this](StoreWriter& w) { stats_.flush(w); });
    }
    principal_facility_.reset();
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const Prepared& p = batch[i];
        RecordResult& r = results[i];
        r.seq = 0;
        r.flagged = false;
        r.warnings.clear();
        if (!p.ok) {
            r.status = Status::rejected;
            r.error = p.error;
            stats_.pushed(monitor_facility(store, principal, p), r.status, p.error.code, arrival_us, -1);
            continue;
        }
        const ParsedRecord& rec = p.record;
        schema::episode_key(rec.facility, rec.ma_lk, key);
        // The first full record closes the episode: the 24-hour rule is measured from it.
        const schema::RecordTiming closing =
            rec.kind == RecordKind::episode ? schema::RecordTiming{arrival_us, rec.discharged} : schema::RecordTiming{};
        // A new key gets its head at once (it will point at the entry appended
        // below); an existing one is left as it is and read back.
        before_tail_.clear();
        auto head = store.insert_episode(key, {store.next_seq(), 1, rec.hash, {}, closing, rec.appointment},
                                         p.stats_tail, &before_tail_);
        if (head && head->hash == rec.hash) {
            // Same content as the current version: nothing new is written.
            r.status = Status::duplicate;
            r.seq = head->current_seq;
            stats_.pushed(p.facility, r.status, {}, arrival_us, -1);
            continue;
        }
        if (head && rec.kind == RecordKind::checkin && head->timing.closed_us != 0) {
            // A check-in is informational: once the full record is in, a late
            // or resent one must not reopen the episode. Nothing is written.
            r.status = Status::duplicate;
            r.seq = head->current_seq;
            r.warnings.push_back({"W_CHECKIN_LATE", "XML0",
                                  "the episode's full record has already arrived; a check-in does not reopen it"});
            stats_.pushed(p.facility, r.status, {}, arrival_us, -1);
            continue;
        }
        const schema::RecordTiming timing = head && head->timing.closed_us != 0 ? head->timing : closing;
        const uint64_t person = persons_.place(store, p.profile, p.person, store.next_seq(), arrival_us, principal, decision_);
        const schema::PersonKey filed_under = schema::PersonKey::person(person);
        const bool conflict = decision_.conflict;

        schema::LogEntry e;
        e.status = head ? schema::EntryStatus::new_version : schema::EntryStatus::accepted;
        e.flags = conflict ? schema::kFlagConflict : 0;
        e.codec = p.codec;
        e.raw_size = static_cast<uint32_t>(rec.canonical.size());
        e.arrival_us = arrival_us;
        e.prev_seq = head ? head->current_seq : 0;
        e.version = head ? head->versions + 1 : 1;
        e.hash = rec.hash;
        e.admitted = rec.admitted;
        e.filed_under = filed_under;
        e.kind = static_cast<schema::EntryKind>(rec.kind);
        e.generation = static_cast<uint8_t>(rec.generation);
        e.format = static_cast<uint8_t>(p.format);
        e.timing = timing;
        e.principal = principal.substr(0, 255);
        e.episode_key = key;
        e.warnings = p.warnings;
        e.source = p.source;
        e.signature = p.signature;
        e.payload = p.payload;
        uint64_t seq = store.append(e, p.received_bytes);

        store.set_episode(key, {seq, e.version, rec.hash, filed_under, timing, rec.appointment}, p.stats_tail);
        // The new version's statistics replace the old one's (nothing to do when they count the same).
        if (!head || before_tail_ != p.stats_tail) {
            if (!stats::Facts::decode(before_tail_, before_))
                throw std::runtime_error("episodes: statistics tail of an unexpected layout");
            stats_.replace(store, key, before_, p.stats);
        }
        store.reschedule(key, head ? head->appointment : 0, rec.appointment);
        // The person index lists current versions only: the superseded one leaves it.
        if (head && head->filed_under) store.unfile(head->filed_under, head->current_seq);
        store.file(filed_under, seq);

        schema::FeedEntry change;
        change.type = head ? schema::FeedType::new_version : schema::FeedType::accepted;
        change.kind = static_cast<uint8_t>(rec.kind);
        change.facility_province = schema::province_number(rec.facility);
        change.residence_province = schema::province_number(rec.person.province);
        change.ref = seq;
        change.time_us = arrival_us;
        store.append_feed(change);
        if (const uint32_t before = head ? head->appointment : 0; before != rec.appointment) {
            change.type = schema::FeedType::appointment;
            change.day_before = before;
            change.day_after = rec.appointment;
            store.append_feed(change);
        }

        r.status = head ? Status::new_version : Status::accepted;
        r.seq = seq;
        r.flagged = conflict;
        r.warnings = rec.warnings;
        // The first full record closes the episode: the 24-hour rule is measured on it.
        const bool closes = rec.kind == RecordKind::episode && (!head || head->timing.closed_us == 0);
        stats_.pushed(p.facility, r.status, {}, arrival_us,
                      closes ? std::max<int64_t>(0, stats::minutes_since(rec.discharged, arrival_us)) : -1);
    }
}

std::string_view Applier::monitor_facility(const StoreReader& store, std::string_view principal, const Prepared& p) {
    if (!principal_facility_) {
        principal_facility_.emplace();
        std::string_view v;
        if (!principal.empty() && principal.size() <= schema::kMaxPrincipalName &&
            store.tables().principals.get(store.txn(), principal, v)) {
            const auto record = schema::PrincipalRecord::decode(v);
            if (record && static_cast<Role>(record->role) == Role::facility)
                principal_facility_->assign(record->facility.data(), record->facility.size());
        }
    }
    return principal_facility_->empty() ? std::string_view(p.facility) : std::string_view(*principal_facility_);
}

DictionaryTrainer::~DictionaryTrainer() {
    if (training_.joinable()) training_.join();
}

void DictionaryTrainer::after_commit(Store& store) {
    if (next_attempt_ == 0) return;
    if (training_.joinable()) {
        if (!trained_.load(std::memory_order_acquire)) return;
        training_.join();
        if (result_) {
            store.add_dictionary(std::move(result_));
            next_attempt_ = 0;
        }
        return;  // on failure (too little to learn from), next_attempt_ was already moved on
    }
    if (store.dictionaries().latest()) {
        next_attempt_ = 0;
        return;
    }
    uint64_t size = store.read([](const StoreReader& r) { return r.last_seq(); });
    if (size < next_attempt_) return;
    next_attempt_ = size + kDictionarySamples;
    trained_.store(false);
    training_ = std::thread([this, samples = store.recent_records(kDictionarySamples)] {
        result_ = Dictionary::train(samples);
        trained_.store(true, std::memory_order_release);
    });
}

Engine::Engine(Store& store, ParseLimits limits)
    : store_(store), preparer_(&store.dictionaries(), limits), signatures_(std::make_unique<SignatureChecker>()) {}

Engine::~Engine() = default;

std::vector<RecordResult> Engine::ingest(std::span<const std::string_view> documents, std::string_view principal) {
    std::vector<RecordResult> results(documents.size());
    if (documents.empty()) return results;
    prepared_.resize(documents.size());
    const std::shared_ptr<const KeyRing> keys = keys_.current(store_);
    for (std::size_t i = 0; i < documents.size(); ++i) {
        preparer_.prepare(documents[i], prepared_[i]);
        signatures_->check(*keys, false, documents[i], nullptr, prepared_[i]);
    }
    int64_t arrival = now_us();
    store_.write([&](StoreWriter& w) {
        applier_.apply(w, std::span(prepared_.data(), documents.size()), principal, arrival, results);
    });
    trainer_.after_commit(store_);
    return results;
}

}  // namespace ehb
