#include "engine/stats_writer.hpp"

#include <algorithm>

namespace ehb::stats {

namespace {

void erase(const lmdb::Txn& txn, const lmdb::Dbi& table, std::string_view key) {
    MDB_val k = lmdb::to_val(key);
    const int rc = mdb_del(txn.get(), table.get(), &k, nullptr);
    if (rc != MDB_NOTFOUND) lmdb::check("mdb_del", table.name(), rc);
}

struct SlipEntry {
    std::string key;
    SlipType type;
    std::string_view episode;  // into `key`
    uint32_t due = 0;
    uint64_t time = 0;  // an appointment's discharge, a visit's admission
    bool attended = false;
};

std::array<char, 13> appointment_value(uint32_t due, uint64_t discharged, bool attended) {
    std::array<char, 13> v{};
    schema::store(schema::store(schema::store(v.data(), due), discharged), static_cast<uint8_t>(attended));
    return v;
}

// Every entry filed under `prefix` (one facility's slip).
std::vector<SlipEntry> slip_group(const StoreReader& r, const std::string& prefix) {
    std::vector<SlipEntry> out;
    lmdb::Cursor c(r.txn(), r.tables().followup_slips);
    std::string_view k = prefix, v;
    for (bool ok = c.get(k, v, MDB_SET_RANGE); ok && k.size() > prefix.size() && k.starts_with(prefix);
         ok = c.get(k, v, MDB_NEXT)) {
        SlipEntry& e = out.emplace_back();
        e.key.assign(k);
        e.type = static_cast<SlipType>(k[prefix.size()]);
        e.episode = std::string_view(e.key).substr(prefix.size() + 1);
        if (e.type == SlipType::appointment && v.size() == 13) {
            e.due = schema::load<uint32_t>(v.data());
            e.time = schema::load<uint64_t>(v.data() + 4);
            e.attended = v[12] != 0;
        } else if (v.size() == 8) {
            e.time = schema::load<uint64_t>(v.data());
        }
    }
    return out;
}

// Kept when a visit of another episode, at the same facility with the same
// slip, was admitted no earlier than the appointment's discharge (engine/followups.cpp).
bool attended(const std::vector<SlipEntry>& group, std::string_view episode, uint64_t discharged) {
    return std::any_of(group.begin(), group.end(), [&](const SlipEntry& v) {
        return v.type == SlipType::visit && v.episode != episode && v.time >= discharged;
    });
}

std::string appointment_counter(uint32_t due, const Facility& facility) {
    std::string k = kind_key(Kind::appointments, due);
    k.push_back(static_cast<char>(schema::province_number({facility.data(), 2})));
    return k;
}

}  // namespace

const Layout& layout_of(std::string_view key) {
    switch (static_cast<Kind>(key.empty() ? 0 : key[0])) {
        case Kind::diagnoses:
        case Kind::facilities: return kCountCost;
        case Kind::monitor: return key.size() == kMonitorKeySize ? kMonitorTotals : kOneCount;
        default: return kTwoCounts;
    }
}

Writer::Delta& Writer::delta(const std::string& key) {
    return deltas_.try_emplace(key, Delta{}).first->second;
}

void Writer::count(const Facts& f, const Facility& facility, int64_t sign) {
    const uint32_t admitted_day = static_cast<uint32_t>(f.admitted / 10000);
    const uint8_t province = schema::province_number({facility.data(), 2});

    key_ = kind_key(Kind::diagnoses, iso_week(admitted_day));
    key_.push_back(static_cast<char>(province));
    key_.append(f.icd.data(), f.icd.size());
    key_.push_back(static_cast<char>(f.age_band));
    key_.push_back(static_cast<char>(f.sex));
    key_.push_back(static_cast<char>(f.residence));
    Delta& d = delta(key_);
    d[0] += sign, d[1] += sign * f.cost;

    key_ = kind_key(Kind::facilities, admitted_day);
    put_facility(key_, facility);
    Delta& fd = delta(key_);
    fd[0] += sign, fd[1] += sign * f.cost;

    if (f.has_referral()) {
        key_ = kind_key(Kind::referrals, static_cast<uint32_t>(f.discharged / 1000000));
        put_facility(key_, f.referred_from);
        put_facility(key_, f.referred_to);
        delta(key_)[0] += sign;
    }
    if (f.has_arrival()) {
        key_ = kind_key(Kind::referrals, static_cast<uint32_t>(f.admitted / 1000000));
        put_facility(key_, f.came_from);
        put_facility(key_, facility);
        delta(key_)[1] += sign;
    }
}

void Writer::replace(StoreWriter& w, std::string_view episode_key, const Facts& before, const Facts& after) {
    const Facility facility = facility_code(episode_key.substr(0, schema::kFacilityLength));
    if (before.counted) {
        count(before, facility, -1);
        if (!before.appointment_slip.empty()) remove_appointment(w, facility, before.appointment_slip, episode_key);
        if (!before.slip.empty()) remove_visit(w, facility, before.slip, episode_key);
    }
    if (after.counted) {
        count(after, facility, +1);
        if (!after.slip.empty()) add_visit(w, facility, after.slip, episode_key, after.admitted);
        if (!after.appointment_slip.empty()) add_appointment(w, facility, after, episode_key);
    }
}

void Writer::add_visit(StoreWriter& w, const Facility& facility, std::string_view slip, std::string_view episode_key,
                       uint64_t admitted) {
    std::string k = slip_prefix(facility, slip);
    k.push_back(static_cast<char>(SlipType::visit));
    k.append(episode_key);
    w.tables().followup_slips.put(w.txn(), k, {reinterpret_cast<const char*>(&admitted), sizeof admitted});
    recheck(w, facility, slip);
}

void Writer::remove_visit(StoreWriter& w, const Facility& facility, std::string_view slip,
                          std::string_view episode_key) {
    std::string k = slip_prefix(facility, slip);
    k.push_back(static_cast<char>(SlipType::visit));
    k.append(episode_key);
    erase(w.txn(), w.tables().followup_slips, k);
    recheck(w, facility, slip);
}

void Writer::recheck(StoreWriter& w, const Facility& facility, std::string_view slip) {
    const std::vector<SlipEntry> group = slip_group(w, slip_prefix(facility, slip));
    for (const SlipEntry& a : group) {
        if (a.type != SlipType::appointment) continue;
        const bool now = attended(group, a.episode, a.time);
        if (now == a.attended) continue;
        const auto v = appointment_value(a.due, a.time, now);
        w.tables().followup_slips.put(w.txn(), a.key, {v.data(), v.size()});
        delta(appointment_counter(a.due, facility))[1] += now ? 1 : -1;
    }
}

void Writer::add_appointment(StoreWriter& w, const Facility& facility, const Facts& f,
                             std::string_view episode_key) {
    std::string k = slip_prefix(facility, f.appointment_slip);
    const bool kept = attended(slip_group(w, k), episode_key, f.discharged);
    k.push_back(static_cast<char>(SlipType::appointment));
    k.append(episode_key);
    const auto v = appointment_value(f.appointment_due, f.discharged, kept);
    w.tables().followup_slips.put(w.txn(), k, {v.data(), v.size()});
    Delta& d = delta(appointment_counter(f.appointment_due, facility));
    d[0] += 1, d[1] += kept;
}

void Writer::remove_appointment(StoreWriter& w, const Facility& facility, std::string_view slip,
                                std::string_view episode_key) {
    std::string k = slip_prefix(facility, slip);
    k.push_back(static_cast<char>(SlipType::appointment));
    k.append(episode_key);
    std::string_view v;
    if (!w.tables().followup_slips.get(w.txn(), k, v) || v.size() != 13) return;
    const uint32_t due = schema::load<uint32_t>(v.data());
    const bool kept = v[12] != 0;
    erase(w.txn(), w.tables().followup_slips, k);
    Delta& d = delta(appointment_counter(due, facility));
    d[0] -= 1, d[1] -= kept;
}

void Writer::pushed(std::string_view facility, Status status, std::string_view reject_code, int64_t arrival_us,
                    int64_t delay_minutes) {
    key_ = kind_key(Kind::monitor, vietnam_day(arrival_us));
    put_facility(key_, facility_code(facility));
    Delta& d = delta(key_);
    d[kPushed] += 1;
    switch (status) {
        case Status::accepted: ++d[kAccepted]; break;
        case Status::duplicate: ++d[kDuplicate]; break;
        case Status::new_version: ++d[kNewVersion]; break;
        case Status::rejected: ++d[kRejected]; break;
    }
    d[kLastPush] = std::max(d[kLastPush], arrival_us);
    if (delay_minutes >= 0) {
        ++d[kDelayCount];
        d[kDelayMinutes] += delay_minutes;
        const auto bucket = std::upper_bound(kDelayBounds.begin(), kDelayBounds.end(), delay_minutes) -
                            kDelayBounds.begin();
        ++d[kDelayBuckets + static_cast<std::size_t>(bucket)];
    }
    if (status == Status::rejected) {
        key_.append(reject_code.substr(0, 64));
        ++delta(key_)[0];
    }
}

void Writer::flush(StoreWriter& w) {
    std::vector<const std::pair<const std::string, Delta>*> order;
    order.reserve(deltas_.size());
    for (const auto& kv : deltas_) order.push_back(&kv);
    std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->first < b->first; });
    const lmdb::Dbi& table = w.tables().stats;
    std::array<char, kMaxFields * 8> buf{};
    for (const auto* kv : order) {
        const Layout& layout = layout_of(kv->first);
        const Delta& d = kv->second;
        if (std::all_of(d.begin(), d.end(), [](int64_t x) { return x == 0; })) continue;
        std::string_view old;
        const bool found = table.get(w.txn(), kv->first, old);
        std::size_t at = 0;
        bool zero = true;
        for (std::size_t i = 0; i < layout.fields; ++i) {
            const std::size_t n = layout.width[i];
            int64_t value = 0;
            if (found && old.size() >= at + n)
                value = n == 4 ? int64_t{schema::load<uint32_t>(old.data() + at)} : schema::load<int64_t>(old.data() + at);
            value = i == layout.max_field ? std::max(value, d[i]) : value + d[i];
            zero = zero && value == 0;
            if (n == 4) schema::store(buf.data() + at, static_cast<uint32_t>(value));
            else schema::store(buf.data() + at, value);
            at += n;
        }
        // A counter that went back to zero (a version moved away) leaves no row.
        if (zero) {
            if (found) erase(w.txn(), table, kv->first);
        } else {
            table.put(w.txn(), kv->first, {buf.data(), at});
        }
    }
    deltas_.clear();
}

}  // namespace ehb::stats
