// The change feed (docs/feed.md): every committed change (an episode's new
// version, an identity event, an appointment booked, moved or cancelled), in
// commit order, numbered from 1 in the `feed` table. A consumer reads from any
// sequence number, filtered by province and type; each change is rendered as
// one JSON object.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/codec.hpp"
#include "storage/store.hpp"

namespace ehb {

// Change types as filter bits.
enum FeedTypeBits : uint8_t { kFeedEpisodes = 1, kFeedIdentity = 2, kFeedAppointments = 4, kFeedAll = 7 };

// Parses "episode,identity,appointment" (any non-empty subset) into bits; false on an unknown name.
bool parse_feed_types(std::string_view list, uint8_t& bits);

// Record kinds as filter bits (schema::EntryKind 1, 2, 3).
enum FeedKindBits : uint8_t { kKindEpisode = 1, kKindCheckin = 2, kKindVaccination = 4, kKindAll = 7 };
// Parses "episode,checkin,vaccination" (any non-empty subset) into bits; false on an unknown name.
bool parse_feed_kinds(std::string_view list, uint8_t& bits);

struct FeedFilter {
    uint8_t residence_province = 0;  // only changes of persons living there (schema::province_number); 0: any
    uint8_t facility_province = 0;   // only records of facilities there; 0: any (identity events have none)
    uint8_t types = kFeedAll;        // FeedTypeBits
    uint8_t kinds = kKindAll;        // FeedKindBits: of the record an episode or appointment change is about
    bool records = false;            // an episode change carries its canonical record

    bool matches(const schema::FeedEntry& e) const;
};

// What one read of the feed gives.
struct FeedChunk {
    uint64_t next = 0;  // where the following read starts: after the last change scanned, kept or filtered out
    std::vector<uint64_t> seqs;         // the changes kept, in order
    std::vector<std::size_t> ends;      // each one's end offset in `text`
    std::string text;                   // the changes' JSON objects, one after the other
    std::size_t size() const { return seqs.size(); }
    std::string_view event(std::size_t i) const {
        const std::size_t begin = i == 0 ? 0 : ends[i - 1];
        return std::string_view(text).substr(begin, ends[i] - begin);
    }
    void clear() { seqs.clear(), ends.clear(), text.clear(); }
};

// How much one read may take.
struct FeedLimits {
    uint64_t until = UINT64_MAX;  // the last sequence number to look at (ehbd: the last durable one)
    std::size_t events = 4096;    // kept
    std::size_t bytes = 4 << 20;  // of text (a read stops after the change that passes it)
    std::size_t scanned = 100000; // looked at, kept or not
};

// Reads changes from `from` (0 counts as 1) that pass `filter`, within `limits`.
class FeedReader {
public:
    explicit FeedReader(const DictionarySet* dictionaries) : decompressor_(dictionaries) {}
    void read(const StoreReader& r, uint64_t from, const FeedFilter& filter, const FeedLimits& limits,
              FeedChunk& out);
    // One change as a JSON object, appended to `out` (docs/feed.md, "Events").
    void render(const StoreReader& r, uint64_t seq, const schema::FeedEntry& e, bool with_record, std::string& out);

private:
    Decompressor decompressor_;
    std::string record_;
};

}  // namespace ehb
