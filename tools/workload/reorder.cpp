// Reordering: the same document with members in reverse order and extra whitespace.
#include <string>
#include <string_view>
#include <vector>

#include "tools/workload/model.hpp"

namespace ehb::workload {

namespace {

size_t skip_value(std::string_view s, size_t i) {
    if (s[i] == '"') {
        ++i;
        while (s[i] != '"') i += s[i] == '\\' ? 2 : 1;
        return i + 1;
    }
    if (s[i] == '{' || s[i] == '[') {
        int depth = 0;
        for (;; ++i) {
            const char c = s[i];
            if (c == '"') {
                i = skip_value(s, i) - 1;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) return i + 1;
            }
        }
    }
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']') ++i;
    return i;
}

// Same content, members of every object in reverse order, with whitespace
// (spaces and tabs only: a document stays on one line).
void reorder_value(std::string_view v, std::string& out, int depth) {
    if (v[0] == '{') {
        struct Member {
            std::string_view key, value;
        };
        std::vector<Member> members;
        size_t i = 1;
        while (v[i] != '}') {
            const size_t ke = skip_value(v, i);
            const size_t vb = ke + 1;  // after ':'
            const size_t ve = skip_value(v, vb);
            members.push_back({v.substr(i, ke - i), v.substr(vb, ve - vb)});
            i = ve;
            if (v[i] == ',') ++i;
        }
        out += depth == 0 ? "{ " : "{";
        for (size_t m = members.size(); m-- > 0;) {
            out += members[m].key;
            out += depth % 2 ? ":" : " : ";
            reorder_value(members[m].value, out, depth + 1);
            if (m) out += depth == 0 ? ",\t" : ", ";
        }
        out += depth == 0 ? " }" : "}";
    } else if (v[0] == '[') {
        size_t i = 1;
        out += "[ ";
        bool first = true;
        while (v[i] != ']') {
            const size_t e = skip_value(v, i);
            if (!first) out += " ,";
            first = false;
            reorder_value(v.substr(i, e - i), out, depth + 1);
            i = e;
            if (v[i] == ',') ++i;
        }
        out += " ]";
    } else {
        out += v;
    }
}

}  // namespace

void Generator::Impl::reorder(std::string_view in, std::string& out) {
    out.clear();
    out.reserve(in.size() + in.size() / 4);
    out += ' ';
    reorder_value(in, out, 0);
    out += '\t';
}

}  // namespace ehb::workload
