#include "engine/fhir_out.hpp"

#include <algorithm>

#include "engine/fhir_out_impl.hpp"
#include "engine/validate.hpp"

namespace ehb {

// ---- the person ----

void FhirBookWriter::Impl::person(Fields& c, std::string_view table) {
    const PersonMapping pm = person_mapping(table);
    PatientData& p = patient;
    auto keep = [&](std::string& slot, std::string_view field) {
        const std::string_view v = c.str(field);
        if (v.empty()) return;
        if (slot.empty()) slot = v;
        c.claim(field);
    };
    keep(p.name, "HO_TEN");
    if (const std::string_view g = fhir_gender(c.num("GIOI_TINH")); !g.empty()) {
        if (p.gender.empty()) p.gender = g;
        c.claim("GIOI_TINH");
    }
    const FhirBirth birth = fhir_birth(c.str("NGAY_SINH"));
    if (!birth.date.empty() && p.birth_date.empty()) {
        p.birth_date = birth.date;
        p.birth_time = birth.time;
    }
    if (birth.exact) c.claim("NGAY_SINH");

    std::string_view system;
    const std::string_view id = c.str("SO_CCCD");
    switch (classify_so_cccd(id)) {
        case SoCccdKind::citizen: system = kSidNationalId; break;
        case SoCccdKind::old_id: system = kSidCitizenId; break;
        case SoCccdKind::passport: system = kSidPassport; break;
        default: break;
    }
    if (!system.empty()) {
        const std::pair<std::string_view, std::string> entry{system, std::string(id)};
        if (std::find(p.ids.begin(), p.ids.end(), entry) == p.ids.end()) p.ids.push_back(entry);
        c.claim("SO_CCCD");
    }
    if (const std::string_view mrn = c.str("MA_BN"); pm.ma_bn && !mrn.empty()) {
        const std::pair<std::string, std::string> entry{std::string(c.str("MA_CSKCB")), std::string(mrn)};
        if (std::find(p.mrns.begin(), p.mrns.end(), entry) == p.mrns.end()) p.mrns.push_back(entry);
        c.claim("MA_BN");
    }
    if (pm.address_phone) {
        keep(p.address, "DIA_CHI");
        keep(p.phone, "DIEN_THOAI");
    }
    coverages(c, pm.card_details);
}

// One Coverage per card of MA_THE_BHYT; MA_DKBD, GT_THE_TU and GT_THE_DEN
// are spread over them when their items line up with the cards.
void FhirBookWriter::Impl::coverages(Fields& c, bool details) {
    const std::string_view cards_text = c.str("MA_THE_BHYT");
    if (cards_text.empty()) return;
    const std::vector<std::string_view> cards = split_list(cards_text);
    for (std::string_view card : cards)
        if (card.empty()) return;
    c.claim("MA_THE_BHYT");

    constexpr std::string_view kLists[] = {"MA_DKBD", "GT_THE_TU", "GT_THE_DEN"};
    std::vector<std::string> items[3];  // as written in FHIR
    for (int k = 0; details && k < 3; ++k) {
        const std::vector<std::string_view> parts = split_list(c.str(kLists[k]));
        if (parts.size() != cards.size()) continue;
        std::vector<std::string> converted;
        for (std::string_view part : parts) converted.push_back(k == 0 ? std::string(part) : fhir_date(part));
        if (std::find(converted.begin(), converted.end(), std::string()) != converted.end()) continue;
        items[k] = std::move(converted);
        c.claim(kLists[k]);
    }

    const std::string payor_url = payor();
    for (std::size_t i = 0; i < cards.size(); ++i) {
        const std::string id = id_for({"Coverage", std::to_string(i)});
        Resource r("Coverage", id);
        JsonOut& j = r.j;
        if (!items[0].empty()) {
            j.begin_array("extension");
            j.begin_object();
            j.string("url", kExtRegisteredFacility);
            j.begin_object("valueIdentifier");
            j.string("system", kSidFacility);
            j.string("value", items[0][i]);
            j.end();
            j.end();
            j.end();
        }
        j.begin_array("identifier");
        identifier(j, kSidInsurance, cards[i]);
        j.end();
        j.string("status", "active");
        j.string("subscriberId", cards[i]);
        reference(j, "beneficiary", patient_url());
        j.begin_object("period");
        if (!items[1].empty()) j.string("start", items[1][i]);
        if (!items[2].empty()) j.string("end", items[2][i]);
        j.end();
        j.begin_array("payor");
        reference(j, {}, payor_url);
        j.end();
        done(r, id);
    }
}

std::string FhirBookWriter::Impl::patient_resource() {
    const PatientData& p = patient;
    Resource r("Patient", uuid_of(cat({seed, "|Patient"})));
    JsonOut& j = r.j;
    j.begin_array("identifier");
    for (const auto& [system, value] : p.ids) identifier(j, system, value);
    for (const auto& [facility, mrn] : p.mrns) {
        j.begin_object();
        j.string("system", kSidPatientInternal);
        j.string("value", mrn);
        if (!facility.empty()) {
            j.begin_object("assigner");
            j.begin_object("identifier");
            j.string("system", kSidFacility);
            j.string("value", facility);
            j.end();
            j.end();
        }
        j.end();
    }
    j.end();
    j.begin_array("name");
    j.begin_object();
    j.string("text", p.name);
    j.end();
    j.end();
    if (!p.phone.empty()) {
        j.begin_array("telecom");
        j.begin_object();
        j.string("system", "phone");
        j.string("value", p.phone);
        j.end();
        j.end();
    }
    j.string("gender", p.gender);
    j.string("birthDate", p.birth_date);
    j.begin_object("_birthDate");
    j.begin_array("extension");
    if (!p.birth_time.empty()) {
        j.begin_object();
        j.string("url", kExtBirthTime);
        j.string("valueDateTime", p.birth_time);
        j.end();
    }
    j.end();
    j.end();
    j.begin_array("address");
    j.begin_object();
    j.string("text", p.address);
    j.end();
    j.end();
    r.j.end();
    return r.json;
}

// ---- records ----

bool FhirBookWriter::Impl::add(std::string_view document, Issue& error) {
    // Members in canonical order, so that any spelling of a record gives the same bytes.
    element root;
    if (parser.parse(document.data(), document.size()).get(root) != simdjson::SUCCESS ||
        root.type() != element_type::OBJECT || !canon.write(root, canonical, dup) ||
        parser.parse(canonical).get(root) != simdjson::SUCCESS) {
        error = {"E_FHIR", "", "the record is not a JSON object of tables"};
        return false;
    }
    const object top = as_object(root);
    for (std::string_view table : {kEpisodeTable, kCheckinTable, kVaccinationTable}) {
        element carrier;
        if (top.at_key(table).get(carrier) != simdjson::SUCCESS || carrier.type() != element_type::OBJECT) continue;
        Fields c(as_object(carrier));
        if (table == kVaccinationTable) {
            rec = cat({table, "|", c.str("HE_THONG_NGUON"), "|", c.str("MA_BAN_GHI")});
        } else {
            rec = cat({table, "|", c.str("MA_CSKCB"), "|", c.str("MA_LK")});
        }
        if (seed.empty()) seed = rec;
        if (table == kVaccinationTable)
            immunization(top, c);
        else
            encounter(top, c, table);
        return true;
    }
    error = {"E_FHIR", "", "the record has no XML1, XML0 or TIEM_CHUNG table"};
    return false;
}

FhirBookWriter::FhirBookWriter() : impl_(std::make_unique<Impl>()) {}
FhirBookWriter::~FhirBookWriter() = default;
FhirBookWriter::FhirBookWriter(FhirBookWriter&&) noexcept = default;
FhirBookWriter& FhirBookWriter::operator=(FhirBookWriter&&) noexcept = default;

void FhirBookWriter::begin(std::string_view seed) {
    impl_->seed.assign(seed);
    impl_->entries.clear();
    impl_->shared.clear();
    impl_->patient = {};
}

bool FhirBookWriter::add_record(std::string_view document, Issue& error) { return impl_->add(document, error); }

std::string FhirBookWriter::finish() {
    Impl& m = *impl_;
    std::string out;
    JsonOut j(out);
    j.begin_object();
    j.string("resourceType", "Bundle");
    j.string("id", uuid_of(cat({m.seed, "|Bundle"})));
    j.string("type", "collection");
    j.begin_array("entry");
    std::string patient;
    JsonOut p(patient);
    p.begin_object();
    p.string("fullUrl", m.patient_url());
    p.raw("resource", m.patient_resource());
    p.end();
    j.raw({}, patient);
    for (const std::string& e : m.entries) j.raw({}, e);
    j.end();
    j.end();
    return out;
}

bool record_fhir(std::string_view document, std::string& bundle, Issue& error) {
    FhirBookWriter w;
    w.begin({});
    if (!w.add_record(document, error)) return false;
    bundle = w.finish();
    return true;
}

std::string book_fhir(const Book& book) {
    FhirBookWriter w;
    std::string seed = "book|";
    seed += static_cast<char>(book.root.type);
    seed += book.root.text();
    w.begin(seed);
    Issue ignored;  // a stored record is always a document of tables
    for (const BookEpisode& ep : book.episodes) w.add_record(ep.current.canonical, ignored);
    return w.finish();
}

}  // namespace ehb
