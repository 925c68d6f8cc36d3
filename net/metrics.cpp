#include "net/metrics.hpp"

#include <cmath>
#include <cstdio>

#include "net/server.hpp"

namespace ehb::net {

namespace {

void append_number(std::string& out, double v) {
    char buf[384];
    if (std::isinf(v)) {
        out += v > 0 ? "+Inf" : "-Inf";
        return;
    }
    // Integers exactly (counters run past 2^53 only after centuries); others with enough digits.
    if (v == std::floor(v) && std::fabs(v) < 9e15) std::snprintf(buf, sizeof buf, "%.0f", v);
    else std::snprintf(buf, sizeof buf, "%.9g", v);
    out += buf;
}

void append_escaped(std::string& out, std::string_view value) {
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
}

}  // namespace

void MetricsText::family(std::string_view name, std::string_view type, std::string_view help) {
    text_.append("# HELP ").append(name).append(" ").append(help).append("\n");
    text_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void MetricsText::labels(Labels labels, std::string_view le) {
    if (labels.size() == 0 && le.empty()) return;
    text_ += '{';
    const char* sep = "";
    for (const auto& [k, v] : labels) {
        text_.append(sep).append(k).append("=\"");
        append_escaped(text_, v);
        text_ += '"';
        sep = ",";
    }
    if (!le.empty()) text_.append(sep).append("le=\"").append(le).append("\"");
    text_ += '}';
}

void MetricsText::sample(std::string_view name, double value, Labels l) {
    text_.append(name);
    labels(l);
    text_ += ' ';
    append_number(text_, value);
    text_ += '\n';
}

void MetricsText::histogram(std::string_view name, const Histogram& h, double scale) {
    uint64_t cumulative = 0;
    const auto bounds = h.bounds();
    for (std::size_t i = 0; i <= bounds.size(); ++i) {
        cumulative += h.bucket(i);
        std::string le;
        if (i < bounds.size()) append_number(le, double(bounds[i]) * scale);
        else le = "+Inf";
        text_.append(name).append("_bucket");
        labels({}, le);
        text_ += ' ';
        append_number(text_, double(cumulative));
        text_ += '\n';
    }
    text_.append(name).append("_sum ");
    append_number(text_, double(h.sum()) * scale);
    text_.append("\n").append(name).append("_count ");
    append_number(text_, double(h.count()));
    text_ += '\n';
}

void server_metrics(MetricsText& out, Server& server, int64_t now_us) {
    const PipelineStats p = server.pipeline().stats();
    out.family("ehb_ingest_records_total", "counter", "Records of applied batches since ehbd started, by status.");
    out.sample("ehb_ingest_records_total", double(p.accepted), {{"status", "accepted"}});
    out.sample("ehb_ingest_records_total", double(p.duplicate), {{"status", "duplicate"}});
    out.sample("ehb_ingest_records_total", double(p.new_version), {{"status", "new_version"}});
    out.sample("ehb_ingest_records_total", double(p.rejected), {{"status", "rejected"}});
    out.family("ehb_ingest_flagged_total", "counter",
               "Stored records whose identifiers lead to two persons, or to one they do not match.");
    out.sample("ehb_ingest_flagged_total", double(p.flagged));
    out.family("ehb_commits_total", "counter", "Durable group commits.");
    out.sample("ehb_commits_total", double(p.commits));
    out.family("ehb_batches_total", "counter", "Pushed batches committed.");
    out.sample("ehb_batches_total", double(p.batches));
    out.family("ehb_write_jobs_total", "counter", "Stewards' operations and other write jobs committed.");
    out.sample("ehb_write_jobs_total", double(p.write_jobs));
    out.family("ehb_commits_refused_no_space_total", "counter",
               "Commits a full disk refused: their requests were answered UNAVAILABLE and nothing was stored.");
    out.sample("ehb_commits_refused_no_space_total", double(p.no_space_commits));
    out.family("ehb_access_audit_notes_total", "counter", "Reads recorded in the access audit.");
    out.sample("ehb_access_audit_notes_total", double(p.notes));
    out.family("ehb_commit_records", "histogram", "Records per group commit.");
    out.histogram("ehb_commit_records", p.commit_records, 1);
    out.family("ehb_commit_seconds", "histogram", "Time of a group commit: applying its batches and fdatasync.");
    out.histogram("ehb_commit_seconds", p.commit_us, 1e-6);
    out.family("ehb_writer_busy_seconds_total", "counter", "Time the writer spent inside write transactions.");
    out.sample("ehb_writer_busy_seconds_total", p.write_seconds);
    out.family("ehb_queued_records", "gauge", "Records received and not yet committed.");
    out.sample("ehb_queued_records", double(p.queued_records));
    out.family("ehb_memory_budget_bytes_in_use", "gauge", "Bytes of pushed batches held between receipt and answer.");
    out.sample("ehb_memory_budget_bytes_in_use", double(server.budget().in_use()));
    out.family("ehb_connections", "gauge", "Open connections of the binary protocol.");
    out.sample("ehb_connections", double(server.connections()));
    out.family("ehb_memory_budget_waiting_connections", "gauge",
               "Connections waiting, unread, for bytes of the memory budget.");
    out.sample("ehb_memory_budget_waiting_connections", double(server.budget().waiting()));
    out.family("ehb_connections_refused_total", "counter",
               "Connections closed at accept: their address held --max-connections-per-address on that port.");
    out.sample("ehb_connections_refused_total", double(server.binary_per_address().refused()),
               {{"port", "binary"}, {"reason", "per_address"}});
    out.sample("ehb_connections_refused_total", double(server.http_per_address().refused()),
               {{"port", "http"}, {"reason", "per_address"}});
    out.family("ehb_credential_checks_total", "counter",
               "Credentials checked with their slow hash (binary AUTH and HTTP Basic).");
    out.sample("ehb_credential_checks_total", double(server.credential_checks_run()));
    out.family("ehb_logins_refused_total", "counter",
               "Logins refused unchecked: their address tried --auth-failures-per-minute already.");
    out.sample("ehb_logins_refused_total", double(server.failed_logins().refused()));

    const FeedHub& hub = server.feed();
    out.family("ehb_feed_head", "gauge", "The change feed's last durable sequence number.");
    out.sample("ehb_feed_head", double(hub.head()));
    out.family("ehb_feed_delivery_seconds", "histogram",
               "From a change's durable commit to its delivery to a consumer, every consumer.");
    out.histogram("ehb_feed_delivery_seconds", hub.freshness(), 1e-6);
    out.family("ehb_feed_consumers", "gauge", "Consumers subscribed to the change feed.");
    out.sample("ehb_feed_consumers", double(hub.consumers().size()));
    out.family("ehb_feed_consumer_lag_records", "gauge", "Changes durable and not acknowledged by the consumer.");
    for (const auto& c : hub.consumers()) {
        out.sample("ehb_feed_consumer_lag_records", double(hub.lag_records(*c)),
                   {{"principal", c->principal}, {"name", c->name}, {"peer", c->peer}, {"transport", c->transport}});
    }
    out.family("ehb_feed_consumer_lag_seconds", "gauge",
               "How long the oldest change the consumer has not acknowledged has been durable.");
    for (const auto& c : hub.consumers()) {
        out.sample("ehb_feed_consumer_lag_seconds", hub.lag_seconds(*c, now_us),
                   {{"principal", c->principal}, {"name", c->name}, {"peer", c->peer}, {"transport", c->transport}});
    }
}

void store_metrics(MetricsText& out, const Store& store) {
    struct Counts {
        uint64_t log, episodes, feed, persons;
    };
    const Counts n = store.read([](const StoreReader& r) {
        return Counts{r.last_seq(), r.entries(r.tables().episodes), r.last_feed(), r.last_person()};
    });
    out.family("ehb_store_bytes", "gauge", "Disk blocks allocated to the data file.");
    out.sample("ehb_store_bytes", double(store.bytes_on_disk()));
    out.family("ehb_store_map_bytes", "gauge", "Size of the LMDB map (it grows by itself).");
    out.sample("ehb_store_map_bytes", double(store.map_size()));
    out.family("ehb_log_entries", "gauge", "Records in the append-only log.");
    out.sample("ehb_log_entries", double(n.log));
    out.family("ehb_episodes", "gauge", "Episodes stored.");
    out.sample("ehb_episodes", double(n.episodes));
    out.family("ehb_feed_changes", "gauge", "Changes on the feed.");
    out.sample("ehb_feed_changes", double(n.feed));
    out.family("ehb_persons", "gauge", "Persons of the person index (merged ones included).");
    out.sample("ehb_persons", double(n.persons));
}

}  // namespace ehb::net
