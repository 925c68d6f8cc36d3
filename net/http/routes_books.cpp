// GET /v1/books/{id} and GET /v1/episodes/{facility}/{ma_lk} (docs/http.md).
#include <memory>

#include "engine/canonical.hpp"
#include "engine/fhir_out.hpp"
#include "engine/identity.hpp"
#include "engine/tables.hpp"
#include "net/http/access.hpp"
#include "net/http/routes.hpp"
#include "net/http/scope.hpp"
#include "storage/codec.hpp"

namespace ehb::net::http {

namespace {

// One reader per pool thread, for as long as the server (and its store) lives.
BookReader& book_reader(const Store& store) {
    thread_local std::unique_ptr<BookReader> reader;
    thread_local const Store* reader_store = nullptr;
    if (!reader || reader_store != &store) {
        reader = std::make_unique<BookReader>(store);
        reader_store = &store;
    }
    return *reader;
}

Response not_yours() {
    return error(bhttp::status::forbidden, "FORBIDDEN", "this person does not live in your province");
}

std::string_view kind_name(schema::EntryKind k) {
    switch (k) {
        case schema::EntryKind::episode: return "episode";
        case schema::EntryKind::checkin: return "checkin";
        case schema::EntryKind::vaccination: return "vaccination";
    }
    return "unknown";
}

std::string_view format_name(uint8_t f) {
    switch (static_cast<SourceFormat>(f)) {
        case SourceFormat::json: return "json";
        case SourceFormat::xml: return "xml";
        case SourceFormat::fhir: return "fhir";
    }
    return "unknown";
}

// One version as the book's versions are written (docs/operations.md, "ehb book"), with its number.
void append_version(std::string& out, uint64_t seq, const schema::LogEntry& e, std::string_view canonical) {
    out += "{\"version\":";
    out += std::to_string(e.version);
    append_json_number(out, "seq", seq);
    append_json_member(out, "status", e.status == schema::EntryStatus::new_version ? "new_version" : "accepted");
    out += e.flags & schema::kFlagConflict ? ",\"flagged\":true" : ",\"flagged\":false";
    out += ",\"arrival\":";
    append_json_time(out, e.arrival_us);
    append_json_member(out, "kind", kind_name(e.kind));
    append_json_member(out, "format", format_name(e.format));
    if (e.kind == schema::EntryKind::episode) {
        append_json_member(out, "generation", generation_name(static_cast<Generation>(e.generation)));
    }
    out += ",\"principal\":";
    append_canonical_string(out, e.principal);
    out += ",\"warnings\":";
    out += e.warnings.empty() ? std::string_view("[]") : e.warnings;
    if (!e.source.empty()) append_json_member(out, "signature", e.source);
    out += ",\"record\":";
    out += canonical;
    out += '}';
}

// The episode with every version, newest first (each names the one before it: prev_seq).
// `read` gets the person and the outcome, for the access audit.
Response episode(const Store& store, const Principal& who, const std::string& facility, const std::string& ma_lk,
                 AccessRecord& read) {
    std::string key;
    schema::episode_key(facility, ma_lk, key);
    return store.read([&](const StoreReader& r) -> Response {
        auto head = r.episode(key);
        if (!head) {
            return error(bhttp::status::not_found, "NOT_FOUND",
                         std::string("no episode ").append(ma_lk).append(" of facility ").append(facility));
        }
        Decompressor decompressor(&store.dictionaries());
        std::string canonical;
        Response out;
        std::string& body = out.body;
        body = "{\"facility\":";
        append_canonical_string(body, facility);
        append_json_member(body, "ma_lk", ma_lk);
        for (uint64_t seq = head->current_seq; seq != 0;) {
            auto e = r.entry(seq);
            if (!e) throw std::runtime_error(std::string("log entry ") + std::to_string(seq) + " is missing");
            decompressor.decompress(e->codec, e->payload, e->raw_size, canonical);
            if (seq == head->current_seq) {
                const schema::PersonKey person = e->filed_under ? root_of(r, e->filed_under) : schema::PersonKey{};
                read.person = person;
                if (!may_read(who, residence_province(r, e->filed_under, canonical))) {
                    read.outcome = AccessOutcome::denied;
                    return not_yours();
                }
                read.episodes = 1;
                if (person.type == schema::PersonType::person) {
                    append_json_member(body, "person", std::to_string(person.value));
                }
                body += ",\"versions\":[";
            } else {
                body += ',';
            }
            append_version(body, seq, *e, canonical);
            seq = e->prev_seq;
        }
        body += "]}";
        return out;
    });
}

}  // namespace

boost::asio::awaitable<void> get_book(Exchange& x) {
    if (!only_params(x, {"format", "history", "purpose"})) co_return;
    const std::string_view format = x.query.get("format").value_or("json");
    const std::string_view history = x.query.get("history").value_or("false");
    if (format != "json" && format != "fhir") {
        x.response = bad_parameter("format", "json or fhir");
        co_return;
    }
    if (history != "true" && history != "false") {
        x.response = bad_parameter("history", "true or false");
        co_return;
    }
    auto purpose = purpose_param(x);
    if (!purpose) co_return;
    const bool fhir = format == "fhir", with_history = history == "true";
    const std::string id(x.param("id"));
    AccessRecord read{0, {}, x.principal->name, x.principal->role, AccessChannel::http,
                      fhir ? AccessWhat::book_fhir : AccessWhat::book, with_history, AccessOutcome::served, 0, id,
                      std::move(*purpose)};
    Response response = co_await on_readers(x.server, [&]() -> Response {
        Book book;
        if (!book_reader(x.server.store()).read(id, book, with_history)) {
            return bad_parameter("id", "not a citizen ID (12 digits), card number (15 characters), social-insurance "
                                       "code (10 digits) or old ID (9 digits)");
        }
        read.person = book.root;
        if (book.episodes.empty()) {
            read.outcome = AccessOutcome::no_records;
            return error(bhttp::status::not_found, "NOT_FOUND", std::string("no records for ").append(id));
        }
        if (!may_read(*x.principal, residence_province(book))) {
            read.outcome = AccessOutcome::denied;
            return not_yours();
        }
        read.episodes = static_cast<uint32_t>(book.episodes.size());
        Response r;
        if (fhir) {
            r.body = book_fhir(book);
            r.content_type = "application/fhir+json";
        } else {
            r.body = book_json(book);
        }
        return r;
    });
    // Every read of a valid identifier is audited, refused ones too, before the answer leaves.
    if (read.person) {
        read.at_us = now_us();
        if (!co_await record_read(x, std::move(read))) co_return;
    }
    x.response = std::move(response);
}

boost::asio::awaitable<void> get_episode(Exchange& x) {
    if (!only_params(x, {"purpose"})) co_return;
    auto purpose = purpose_param(x);
    if (!purpose) co_return;
    const std::string facility(x.param("facility")), ma_lk(x.param("ma_lk"));
    bool ok = facility.size() == schema::kFacilityLength;
    for (char c : facility) ok = ok && ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
    if (!ok && facility != kVaccinationFacility) {
        x.response = bad_parameter("facility", "not a 5-character MA_CSKCB (or #VACC for a vaccination)");
        co_return;
    }
    AccessRecord read{0, {}, x.principal->name, x.principal->role, AccessChannel::http, AccessWhat::episode,
                      true, AccessOutcome::served, 0, facility + "/" + ma_lk, std::move(*purpose)};
    Response response = co_await on_readers(
        x.server, [&] { return episode(x.server.store(), *x.principal, facility, ma_lk, read); });
    // An episode filed under nobody (no identifier at all) belongs to no book to audit.
    if (read.person) {
        read.at_us = now_us();
        if (!co_await record_read(x, std::move(read))) co_return;
    }
    x.response = std::move(response);
}

}  // namespace ehb::net::http
