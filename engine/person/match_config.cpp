#include "engine/person/match_config.hpp"

#include <charconv>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string_view>

namespace ehb::person {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

template <class T>
bool number(std::string_view v, T& out) {
    const auto r = std::from_chars(v.data(), v.data() + v.size(), out);
    return r.ec == std::errc() && r.ptr == v.data() + v.size();
}

bool set(MatchConfig& c, std::string_view key, std::string_view v) {
    if (key == "version") return !(c.version = std::string(v)).empty();
    if (key == "link_probability") return number(v, c.link_probability) && c.link_probability > 0 && c.link_probability < 1;
    if (key == "review_probability") return number(v, c.review_probability) && c.review_probability > 0 && c.review_probability < 1;
    if (key == "max_block") return number(v, c.max_block) && c.max_block > 0;
    if (key == "max_variants") return number(v, c.max_variants) && c.max_variants > 0;
    if (key == "seed") return number(v, c.seed);
    if (key == "u_pairs") return number(v, c.u_pairs) && c.u_pairs > 0;
    if (key == "em_pairs") return number(v, c.em_pairs) && c.em_pairs > 0;
    if (key == "em_iterations") return number(v, c.em_iterations) && c.em_iterations > 0;
    return false;
}

}  // namespace

bool parse_match_config(std::string_view text, std::string_view origin, MatchConfig& cfg, std::string& error) {
    int n = 0;
    while (!text.empty()) {
        ++n;
        const size_t end = text.find('\n');
        std::string_view l = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (const size_t hash = l.find('#'); hash != std::string_view::npos) l = l.substr(0, hash);
        l = trim(l);
        if (l.empty()) continue;
        const size_t eq = l.find('=');
        const std::string_view key = eq == std::string_view::npos ? l : trim(l.substr(0, eq));
        const std::string_view value = eq == std::string_view::npos ? std::string_view() : trim(l.substr(eq + 1));
        if (eq == std::string_view::npos || !set(cfg, key, value)) {
            error = origin;
            error += ':';
            error += std::to_string(n);
            error += ": bad setting '";
            error += l;
            error += "'";
            return false;
        }
    }
    if (cfg.review_probability >= cfg.link_probability) {
        error = origin;
        error += ": review_probability must be below link_probability";
        return false;
    }
    return true;
}

bool load_match_config(const std::string& path, MatchConfig& cfg, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot read " + path;
        return false;
    }
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return parse_match_config(text, path, cfg, error);
}

std::string match_config_text(const MatchConfig& cfg) {
    // %.17g: a probability reads back as the same double.
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "link_probability = %.17g\nreview_probability = %.17g\nmax_block = %u\nmax_variants = %u\n"
                  "seed = %llu\nu_pairs = %llu\nem_pairs = %llu\nem_iterations = %d\n",
                  cfg.link_probability, cfg.review_probability, cfg.max_block, cfg.max_variants,
                  static_cast<unsigned long long>(cfg.seed), static_cast<unsigned long long>(cfg.u_pairs),
                  static_cast<unsigned long long>(cfg.em_pairs), cfg.em_iterations);
    return buf;
}

}  // namespace ehb::person
