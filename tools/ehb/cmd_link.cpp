// ehb link --csv FILE --columns SPEC [--out FILE] [--config FILE] [--model FILE] [--truth COLUMN]
// Bulk linking of a CSV of person records (docs/persons.md, "ehb link").
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/person/evaluation.hpp"
#include "engine/person/linker.hpp"
#include "tools/ehb/commands.hpp"
#include "tools/ehb/csv.hpp"
#include "tools/ehb/link_columns.hpp"

namespace ehb::cli {
namespace {

constexpr const char* kUsage =
    "usage: ehb link --csv FILE --columns SPEC [--out FILE] [--config FILE] [--model FILE] [--truth COLUMN]\n"
    "  Assigns every record of a CSV of person records to a person: writes CSV\n"
    "  record_id,person_id,band,score (band link, review or nolink; score = log2 odds that the\n"
    "  record is the best candidate's person) to --out or stdout, and a summary on stderr.\n"
    "  SPEC maps roles to columns: role=COLUMN[+COLUMN...],... with roles id (required), name or\n"
    "  family/middle/given, birth (yyyymmdd, yyyy-mm-dd, dd/mm/yyyy, yyyy), sex, address,\n"
    "  location (ward or postcode), province, source (national|insurance|facility), facility, and\n"
    "  id:SYSTEM for identifiers (cccd, cmnd, passport, bhxh, card, te1, mrn with facility).\n"
    "  e.g. id=rec_id,given=given_name,family=surname,birth=dob,address=street+suburb,id:bhxh=ssid\n"
    "  --config FILE  key = value settings (docs/persons.md, \"Configuration\")\n"
    "  --model FILE   write the estimated model (m, u, weights, prior) as JSON\n"
    "  --truth COLUMN the true person of each record: report pairwise precision and recall\n";

bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream s;
    s << in.rdbuf();
    out = std::move(s).str();
    return true;
}

void print_pairs(const char* what, const person::PairCounts& c) {
    std::fprintf(stderr, "  %-28s precision %.5f  recall %.5f  F1 %.5f  (%.0f linked pairs, %.0f true, %.0f correct)\n",
                 what, c.precision(), c.recall(), c.f1(), c.linked, c.true_pairs, c.correct);
}

}  // namespace

int cmd_link(int argc, char** argv) {
    std::string csv, spec, out_path, config_path, model_path, truth_column;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        std::string* target = a == "--csv"       ? &csv
                              : a == "--columns" ? &spec
                              : a == "--out"     ? &out_path
                              : a == "--config"  ? &config_path
                              : a == "--model"   ? &model_path
                              : a == "--truth"   ? &truth_column
                                                 : nullptr;
        if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (target == nullptr || i + 1 >= argc) {
            std::fprintf(stderr, "ehb link: unexpected argument '%s'\n%s", argv[i], kUsage);
            return 2;
        }
        *target = argv[++i];
    }
    if (csv.empty() || spec.empty()) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    person::MatchConfig cfg;
    std::string error;
    if (!config_path.empty() && !person::load_match_config(config_path, cfg, error)) {
        std::fprintf(stderr, "ehb link: %s\n", error.c_str());
        return 2;
    }
    std::string text;
    if (!read_file(csv, text)) {
        std::fprintf(stderr, "ehb link: cannot read %s\n", csv.c_str());
        return 1;
    }
    CsvReader reader(std::move(text));
    std::vector<std::string_view> row;
    if (!reader.next(row)) {
        std::fprintf(stderr, "ehb link: %s is empty (a header line is needed)\n", csv.c_str());
        return 1;
    }
    ColumnMapping mapping;
    if (!mapping.init(spec, row, error)) {
        std::fprintf(stderr, "ehb link: %s\n", error.c_str());
        return 2;
    }
    const int truth = truth_column.empty() ? -1 : ColumnMapping::column(row, truth_column);
    if (!truth_column.empty() && truth < 0) {
        std::fprintf(stderr, "ehb link: no column '%s' in the header\n", truth_column.c_str());
        return 2;
    }
    std::vector<person::PersonRecord> records;
    std::vector<std::string> truths;
    while (reader.next(row)) {
        if (row.size() == 1 && row[0].empty()) continue;  // a blank line
        records.emplace_back();
        mapping.map(row, records.back());
        if (truth >= 0) truths.emplace_back(static_cast<size_t>(truth) < row.size() ? row[truth] : std::string_view());
    }

    std::vector<person::Profile> profiles;
    const person::LinkResult result =
        person::link_records(records, cfg, std::max(1u, std::thread::hardware_concurrency()), profiles);

    std::FILE* out = out_path.empty() ? stdout : std::fopen(out_path.c_str(), "wb");
    if (out == nullptr) {
        std::fprintf(stderr, "ehb link: cannot write %s\n", out_path.c_str());
        return 1;
    }
    std::string buf = "record_id,person_id,band,score\n";
    char num[384];  // %f of any double fits
    for (size_t i = 0; i < records.size(); ++i) {
        const person::Decision& d = result.decisions[i];
        csv_field(buf, records[i].id);
        std::snprintf(num, sizeof num, ",%llu,", static_cast<unsigned long long>(d.person));
        buf += num;
        buf += person::band_name(d.band);
        buf += ',';
        if (!std::isnan(d.score)) {
            std::snprintf(num, sizeof num, "%.2f", d.score);
            buf += num;
        }
        buf += '\n';
        if (buf.size() > (1 << 20)) {
            std::fwrite(buf.data(), 1, buf.size(), out);
            buf.clear();
        }
    }
    const bool written = std::fwrite(buf.data(), 1, buf.size(), out) == buf.size() && std::fflush(out) == 0;
    if (out != stdout && std::fclose(out) != 0) {
        std::fprintf(stderr, "ehb link: cannot write %s\n", out_path.c_str());
        return 1;
    }
    if (!written) {
        std::fprintf(stderr, "ehb link: cannot write the output\n");
        return 1;
    }
    if (!model_path.empty()) {
        std::ofstream m(model_path);
        m << person::model_json(result.model, cfg, result.training);
        if (!m) {
            std::fprintf(stderr, "ehb link: cannot write %s\n", model_path.c_str());
            return 1;
        }
    }

    const double n = static_cast<double>(records.size());
    auto share = [&](uint64_t k) { return n == 0 ? 0.0 : 100.0 * static_cast<double>(k) / n; };
    std::fprintf(stderr, "ehb link: %zu records, %llu persons (config version %s)\n", records.size(),
                 static_cast<unsigned long long>(result.persons), cfg.version.c_str());
    for (auto b : {person::Band::link, person::Band::review, person::Band::nolink}) {
        const uint64_t k = result.by_band[static_cast<int>(b)];
        std::fprintf(stderr, "  %-7s %10llu  %6.3f%%\n", std::string(person::band_name(b)).c_str(),
                     static_cast<unsigned long long>(k), share(k));
    }
    std::fprintf(stderr, "  model: prior %.3g, %.0f expected matching pairs; EM match share %.3f (by birth date), %.3f (by name)\n",
                 result.model.prior, result.training.expected_matches, result.training.lambda_by_birth,
                 result.training.lambda_by_name);
    std::fprintf(stderr, "  time: prepare %.2f s, estimate %.2f s, resolve %.2f s\n", result.prepare_seconds,
                 result.train_seconds, result.resolve_seconds);
    if (truth >= 0) {
        std::vector<uint64_t> persons(records.size());
        std::vector<bool> has_id(records.size());
        for (size_t i = 0; i < records.size(); ++i) {
            persons[i] = result.decisions[i].person;
            has_id[i] = profiles[i].has_national_id();
        }
        const person::Accuracy acc = person::pairwise_accuracy(persons, truths, has_id);
        std::fprintf(stderr, "  accuracy against column %s (pairs of records):\n", truth_column.c_str());
        print_pairs("all pairs", acc.all);
        print_pairs("pairs without identifiers", acc.no_id);
    }
    return 0;
}

}  // namespace ehb::cli
