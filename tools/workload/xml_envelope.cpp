#include "tools/workload/xml_envelope.hpp"

#include <simdjson.h>

#include <stdexcept>

#include "engine/xml_layouts.hpp"

namespace ehb::workload {

const std::string_view kSampleSignature =
    "<CHUKYDONVI><Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>"
    "<CanonicalizationMethod Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"/>"
    "<SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>"
    "<Reference URI=\"\"><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>"
    "<DigestValue>c2FtcGxlLWRpZ2VzdA==</DigestValue></Reference></SignedInfo>"
    "<SignatureValue>c2FtcGxlLXNpZ25hdHVyZQ==</SignatureValue>"
    "<KeyInfo><X509Data><X509Certificate>c2FtcGxlLWNlcnRpZmljYXRl</X509Certificate></X509Data></KeyInfo>"
    "</Signature></CHUKYDONVI>";

namespace {

using simdjson::dom::element;

void base64(std::string& out, std::string_view in) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const uint32_t v = uint32_t(uint8_t(in[i])) << 16 | uint32_t(uint8_t(in[i + 1])) << 8 | uint8_t(in[i + 2]);
        for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[v >> s & 63]);
    }
    if (i < in.size()) {
        uint32_t v = uint32_t(uint8_t(in[i])) << 16;
        if (i + 1 < in.size()) v |= uint32_t(uint8_t(in[i + 1])) << 8;
        out.push_back(kAlphabet[v >> 18 & 63]);
        out.push_back(kAlphabet[v >> 12 & 63]);
        out.push_back(i + 1 < in.size() ? kAlphabet[v >> 6 & 63] : '=');
        out.push_back('=');
    }
}

// One field element: text in CDATA (a "]]>" inside is split across two sections).
void field(std::string& out, std::string_view name, const element& value) {
    out += '<';
    out += name;
    out += '>';
    if (value.is_string()) {
        std::string_view text = value.get_string().value_unsafe();
        if (!text.empty()) {
            out += "<![CDATA[";
            for (std::size_t cut; (cut = text.find("]]>")) != std::string_view::npos; text.remove_prefix(cut + 2)) {
                out.append(text.substr(0, cut + 2));
                out += "]]><![CDATA[";
            }
            out.append(text);
            out += "]]>";
        }
    } else if (!value.is_null()) {
        out += simdjson::to_string(value);
    }
    out += "</";
    out += name;
    out += '>';
}

void record(std::string& out, std::string_view tag, const element& row) {
    if (!row.is_object()) throw std::invalid_argument("a table row that is not an object");
    out += '<';
    out += tag;
    out += '>';
    const simdjson::dom::object fields = row.get_object().value_unsafe();
    for (auto kv : fields) field(out, kv.key, kv.value);
    out += "</";
    out += tag;
    out += '>';
}

std::string_view text_of(const element& table, const char* name) {
    std::string_view v;
    return table[name].get(v) == simdjson::SUCCESS ? v : std::string_view{};
}

}  // namespace

std::string xml_submission(std::string_view json_document, std::string_view signature) {
    simdjson::dom::parser parser;
    element doc;
    if (parser.parse(json_document).get(doc) != simdjson::SUCCESS || !doc.is_object())
        throw std::invalid_argument("not a JSON object of tables");
    element head;
    std::string_view facility, day;
    if (doc["XML1"].get(head) == simdjson::SUCCESS || doc["XML0"].get(head) == simdjson::SUCCESS) {
        facility = text_of(head, "MA_CSKCB");
        day = text_of(head, "NGAY_RA");
        if (day.empty()) day = text_of(head, "NGAY_VAO");
    }
    std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<GIAMDINHHS><THONGTINDONVI><MACSKCB>";
    out += facility;
    out += "</MACSKCB></THONGTINDONVI><THONGTINHOSO><NGAYLAP>";
    out += day.substr(0, 8);
    out += "</NGAYLAP><SOLUONGHOSO>1</SOLUONGHOSO><DANHSACHHOSO><HOSO>";
    std::string inner;
    const simdjson::dom::object tables = doc.get_object().value_unsafe();
    for (auto kv : tables) {
        const int n = xml_table_number(kv.key);
        if (n < 0) throw std::invalid_argument("no XML table for " + std::string(kv.key));
        const XmlTableLayout& layout = kXmlTableLayouts[static_cast<std::size_t>(n)];
        inner = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
        if (layout.list.empty()) {
            record(inner, layout.root, kv.value);
        } else {
            if (!kv.value.is_array()) throw std::invalid_argument(std::string(kv.key) + " is not an array of rows");
            const std::string_view row = layout.row.empty() ? layout.list.substr(6) : layout.row;  // after "DSACH_"
            inner += '<';
            inner += layout.root;
            inner += "><";
            inner += layout.list;
            inner += '>';
            const simdjson::dom::array rows = kv.value.get_array().value_unsafe();
            for (element r : rows) record(inner, row, r);
            inner += "</";
            inner += layout.list;
            inner += "></";
            inner += layout.root;
            inner += '>';
        }
        out += "<FILEHOSO><LOAIHOSO>";
        out += kv.key;
        out += "</LOAIHOSO><NOIDUNGFILE>";
        base64(out, inner);
        out += "</NOIDUNGFILE></FILEHOSO>";
    }
    out += "</HOSO></DANHSACHHOSO></THONGTINHOSO>";
    out += signature;
    out += "</GIAMDINHHS>\n";
    return out;
}

}  // namespace ehb::workload
