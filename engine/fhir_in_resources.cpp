#include "engine/fhir_in_impl.hpp"

namespace ehb {

// ---------------------------------------------------------------------------
// The person.

void FhirBundleReader::Impl::person(const Entry& e, const Path& at, Row& row, std::string_view table) {
    const element& r = e.resource;
    const PersonMapping pm = person_mapping(table);

    array names;
    if (arr(r, "name", at, names)) {
        element chosen;  // the official name, else the first
        bool found = false;
        for (element n : names) {
            if (!found) chosen = n;
            found = true;
            if (str(n, "use", at) == "official") {
                chosen = n;
                break;
            }
        }
        if (found) {
            std::string name(str(chosen, "text", at));
            if (name.empty()) {
                name = str(chosen, "family", at);
                array given;
                if (arr(chosen, "given", at, given))
                    for (element g : given)
                        if (g.type() == element_type::STRING) {
                            if (!name.empty()) name += ' ';
                            name += g.get_string().value_unsafe();
                        }
            }
            row.set("HO_TEN", keep(name));
        }
    }
    if (const std::string_view g = str(r, "gender", at); !g.empty()) {
        const std::string_view code = bhyt_gender(g);
        if (code.empty()) fail("E_FHIR_VALUE", at / "gender", "gender " + quoted(g) + " is not an R4 gender");
        row.set("GIOI_TINH", code);
    }
    if (const std::string_view b = str(r, "birthDate", at); !b.empty()) {
        Moment t;
        if (!parse_moment(b, t) || t.precision == Moment::Precision::minute)
            fail("E_FHIR_VALUE", at / "birthDate", "birthDate " + quoted(b) + " is not a FHIR date");
        std::string_view birth = keep(bhyt_digits(t, 5));
        element under;
        array exts;
        if (obj(r, "_birthDate", at, under) && arr(under, "extension", at / "_birthDate", exts)) {
            for (element x : exts) {
                if (str(x, "url", at) != kExtBirthTime) continue;
                const std::string_view time = time12(x, "valueDateTime", at / "_birthDate");
                if (!time.empty()) birth = time;
            }
        }
        row.set("NGAY_SINH", birth);
    }

    std::string_view ids[3];  // citizen ID, old ID, passport
    std::string_view mrn;
    const std::string_view facility = row.str("MA_CSKCB");
    identifiers(r, at, [&](std::string_view system, std::string_view value, const element& id, const Path& p) {
        if (value.empty()) return true;
        const int slot = system == kSidNationalId ? 0 : system == kSidCitizenId ? 1 : system == kSidPassport ? 2 : -1;
        if (slot >= 0 && ids[slot].empty()) ids[slot] = value;
        if (system != kSidPatientInternal) return true;
        element assigner;
        const bool ours = obj(id, "assigner", p, assigner) && facility_of(assigner, p / "assigner") == facility;
        if (mrn.empty() || ours) mrn = value;
        return true;
    });
    for (std::string_view id : ids)
        if (!id.empty()) {
            row.set("SO_CCCD", id);
            break;
        }
    if (pm.ma_bn) row.set("MA_BN", mrn);

    if (pm.address_phone) {
        array addresses, telecoms;
        if (arr(r, "address", at, addresses))
            for (element a : addresses) {
                row.set("DIA_CHI", str(a, "text", at));
                break;
            }
        if (arr(r, "telecom", at, telecoms))
            for (element t : telecoms)
                if (str(t, "system", at) == "phone") {
                    row.set("DIEN_THOAI", str(t, "value", at));
                    break;
                }
    }
}

// The cards, one per Coverage in Bundle order; MA_DKBD, GT_THE_TU and
// GT_THE_DEN as lists aligned with them.
void FhirBundleReader::Impl::coverages(Row& row, bool details) {
    std::string lists[4];  // MA_THE_BHYT, MA_DKBD, GT_THE_TU, GT_THE_DEN
    auto add = [](std::string& list, std::string_view item) {
        if (item.empty()) return;
        if (!list.empty()) list += ';';
        list += item;
    };
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const Entry& e = entries[i];
        if (e.type != Type::coverage) continue;
        const EntryPath ep(i);
        const Path& at = ep.resource;
        std::string_view card = str(e.resource, "subscriberId", at);
        array ids;
        if (card.empty() && arr(e.resource, "identifier", at, ids))
            for (element id : ids)
                if (str(id, "system", at) == kSidInsurance) {
                    card = str(id, "value", at);
                    break;
                }
        if (card.empty()) {
            fail("E_FHIR_VALUE", at,
                 "Coverage has no card code (subscriberId, or an identifier of system " + std::string(kSidInsurance) +
                     ")");
            return;
        }
        add(lists[0], card);
        array exts;
        if (arr(e.resource, "extension", at, exts))
            for (element x : exts) {
                element id;
                if (str(x, "url", at) == kExtRegisteredFacility && obj(x, "valueIdentifier", at, id))
                    add(lists[1], str(id, "value", at / "extension"));
            }
        element period;
        if (obj(e.resource, "period", at, period)) {
            add(lists[2], date8(period, "start", at / "period"));
            add(lists[3], date8(period, "end", at / "period"));
        }
    }
    row.set("MA_THE_BHYT", keep(lists[0]));
    if (!details) return;
    row.set("MA_DKBD", keep(lists[1]));
    row.set("GT_THE_TU", keep(lists[2]));
    row.set("GT_THE_DEN", keep(lists[3]));
}

// ---------------------------------------------------------------------------
// The visit.

void FhirBundleReader::Impl::diagnoses(const element& enc, const Path& at, Row& row) {
    array list;
    if (!arr(enc, "diagnosis", at, list)) return;
    struct Diagnosis {
        std::size_t rank;
        std::size_t order;
        std::string_view code;
        std::string_view text;
    };
    std::vector<Diagnosis> found;
    std::size_t i = 0;
    for (element d : list) {
        const Path p = at.item("diagnosis", i);
        element ref;
        if (!obj(d, "condition", p, ref)) {
            fail("E_FHIR_VALUE", p, "diagnosis has no condition");
            return;
        }
        Entry* c = target(ref, p / "condition", {Type::condition});
        if (!c) {
            fail("E_FHIR_VALUE", p / "condition", "diagnosis.condition must reference a Condition of the Bundle");
            return;
        }
        c->used = true;
        const std::string_view rank = number(d, "rank", p);
        const std::size_t index = static_cast<std::size_t>(c - entries.data());
        const EntryPath cp(index);
        element concept_;
        std::string_view code;
        if (obj(c->resource, "code", cp.resource, concept_)) code = code_of(concept_, cp.resource / "code", kCsIcd10);
        if (code.empty()) {
            fail("E_FHIR_VALUE", cp.resource / "code",
                 "Condition has no ICD-10 code (a coding of system " + std::string(kCsIcd10) + ")");
            return;
        }
        found.push_back({rank.empty() ? SIZE_MAX : std::stoull(std::string(rank)), i, code,
                         str(concept_, "text", cp.resource / "code")});
        ++i;
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const Diagnosis& a, const Diagnosis& b) { return a.rank < b.rank; });
    if (found.empty()) return;
    row.set("MA_BENH_CHINH", found[0].code);
    row.set("CHAN_DOAN_RV", found[0].text);
    std::string others;
    for (std::size_t k = 1; k < found.size(); ++k) {
        if (!others.empty()) others += ';';
        others += found[k].code;
    }
    row.set("MA_BENH_KT", keep(others));
}

namespace {

// HL7 discharge dispositions a sender may give instead of MA_LOAI_RV.
std::string_view discharge_type(std::string_view hl7) {
    if (hl7 == "home") return "1";
    if (hl7 == "other-hcf" || hl7 == "hosp" || hl7 == "long" || hl7 == "rehab" || hl7 == "snf") return "2";
    if (hl7 == "aadvice") return "4";
    return {};
}

}  // namespace

void FhirBundleReader::Impl::encounter(const Entry& e, const Path& at, Row& row) {
    const element& r = e.resource;
    identifiers(r, at, [&](std::string_view system, std::string_view value, const element&, const Path&) {
        if (system != kSidMaLk) return true;
        row.set("MA_LK", value);
        return false;
    });
    array types;
    if (arr(r, "type", at, types)) {
        std::size_t i = 0;
        for (element t : types) {
            const Path p = at.item("type", i++);
            row.set("MA_LOAI_KCB", code_of(t, p, kCsVisitType));
            row.set("MA_DOITUONG_KCB", code_of(t, p, kCsVisitObject));
        }
    }
    element cls;
    if (row.str("MA_LOAI_KCB").empty() && obj(r, "class", at, cls)) {
        const std::string_view code = str(cls, "code", at / "class");
        const std::string_view visit = str(cls, "system", at / "class") == kCsActCode ? visit_type_of_class(code) : "";
        if (visit.empty())
            fail("E_FHIR_VALUE", at / "class",
                 "Encounter.class " + quoted(code) +
                     " has no BHYT visit type; give MA_LOAI_KCB as an Encounter.type coding of system " +
                     std::string(kCsVisitType));
        row.set("MA_LOAI_KCB", visit);
    }
    element period;
    if (obj(r, "period", at, period)) {
        row.set("NGAY_VAO", time12(period, "start", at / "period"));
        row.set("NGAY_RA", time12(period, "end", at / "period"));
    }
    array reasons;
    if (arr(r, "reasonCode", at, reasons)) {
        std::string text;
        std::size_t i = 0;
        for (element c : reasons) {
            const std::string_view t = text_of(c, at.item("reasonCode", i++), {});
            if (t.empty()) continue;
            if (!text.empty()) text += "; ";
            text += t;
        }
        row.set("LY_DO_VV", keep(text));
    }
    diagnoses(r, at, row);
    element hosp;
    if (obj(r, "hospitalization", at, hosp)) {
        const Path h = at / "hospitalization";
        element ref, disposition;
        if (obj(hosp, "origin", h, ref)) row.set("MA_NOI_DI", facility_of(ref, h / "origin"));
        if (obj(hosp, "destination", h, ref)) row.set("MA_NOI_DEN", facility_of(ref, h / "destination"));
        if (obj(hosp, "dischargeDisposition", h, disposition)) {
            const Path d = h / "dischargeDisposition";
            std::string_view type = code_of(disposition, d, kCsDischargeType);
            if (type.empty()) {
                const std::string_view hl7 = code_of(disposition, d, kCsDischargeDisposition);
                type = discharge_type(hl7);
                if (type.empty())
                    fail("E_FHIR_VALUE", d,
                         "dischargeDisposition " + quoted(hl7) +
                             " has no BHYT discharge type; give MA_LOAI_RV as a coding of system " +
                             std::string(kCsDischargeType));
            }
            row.set("MA_LOAI_RV", type);
        }
    }
    element provider;
    if (obj(r, "serviceProvider", at, provider)) row.set("MA_CSKCB", facility_of(provider, at / "serviceProvider"));
}

void FhirBundleReader::Impl::reason_codes(const element& res, const Path& at, Row& row) {
    array reasons;
    if (!arr(res, "reasonCode", at, reasons)) return;
    std::string others;
    std::size_t i = 0;
    for (element c : reasons) {
        const Path p = at.item("reasonCode", i);
        const std::string_view code = code_of(c, p, kCsIcd10);
        if (code.empty()) {
            fail("E_FHIR_VALUE", p, "reasonCode has no ICD-10 code (a coding of system " + std::string(kCsIcd10) + ")");
            return;
        }
        if (i++ == 0) {
            row.set("MA_BENH_CHINH", code);
            row.set("CHAN_DOAN_RV", str(c, "text", p));
            continue;
        }
        if (!others.empty()) others += ';';
        others += code;
    }
    row.set("MA_BENH_KT", keep(others));
}

std::string_view FhirBundleReader::Impl::practitioners(const element& res, std::string_view key, const Path& at) {
    element one;
    array many;
    std::string out;
    auto add = [&](const element& ref, const Path& p) {
        element id;
        if (!obj(ref, "identifier", p, id) || str(id, "system", p / "identifier") != kSidPractitioner) return;
        if (!out.empty()) out += ';';
        out += str(id, "value", p / "identifier");
    };
    if (member(res, key, one) && one.type() == element_type::ARRAY) {
        arr(res, key, at, many);
        std::size_t i = 0;
        for (element ref : many) add(ref, (at / key)[i++]);
    } else if (obj(res, key, at, one)) {
        add(one, at / key);
    }
    return keep(out);
}

std::string_view FhirBundleReader::Impl::notes(const element& res, const Path& at) {
    array list;
    std::string out;
    if (!arr(res, "note", at, list)) return {};
    for (element n : list) {
        const std::string_view text = str(n, "text", at / "note");
        if (text.empty()) continue;
        if (!out.empty()) out += '\n';
        out += text;
    }
    return keep(out);
}

void FhirBundleReader::Impl::medication(const Entry& e, const Path& at, Row& row) {
    const element& r = e.resource;
    element concept_;
    if (obj(r, "medicationCodeableConcept", at, concept_)) {
        const Path p = at / "medicationCodeableConcept";
        row.set("MA_THUOC", code_of(concept_, p, kCsDrug));
        row.set("TEN_THUOC", text_of(concept_, p, kCsDrug));
    }
    row.set("NGAY_YL", time12(r, "authoredOn", at));
    row.set("MA_BAC_SI", practitioners(r, "requester", at));
    array dosage;
    if (arr(r, "dosageInstruction", at, dosage)) {
        if (dosage.size() > 1)
            fail("E_FHIR_VALUE", at / "dosageInstruction",
                 "MedicationRequest has " + std::to_string(dosage.size()) +
                     " dosage instructions; an XML2 row holds one");
        for (element d : dosage) {
            const Path p = at.item("dosageInstruction", 0);
            row.set("LIEU_DUNG", str(d, "text", p));
            row.set("CACH_DUNG", str(d, "patientInstruction", p));
            element route;
            if (obj(d, "route", p, route)) row.set("DUONG_DUNG", code_of(route, p / "route", kCsRoute));
        }
    }
    element dispense, quantity;
    if (obj(r, "dispenseRequest", at, dispense) && obj(dispense, "quantity", at / "dispenseRequest", quantity)) {
        const Path dispense_path = at / "dispenseRequest";
        const Path p = dispense_path / "quantity";
        row.set("SO_LUONG", number(quantity, "value", p));
        row.set("DON_VI_TINH", str(quantity, "unit", p));
    }
}

void FhirBundleReader::Impl::observation(const Entry& e, const Path& at, Row& row) {
    const element& r = e.resource;
    element concept_;
    if (obj(r, "code", at, concept_)) {
        row.set("MA_CHI_SO", code_of(concept_, at / "code", kCsIndicator));
        row.set("TEN_CHI_SO", text_of(concept_, at / "code", kCsIndicator));
    }
    for (auto kv : as_object(r)) {
        const std::string_view key = kv.key;
        if (key.substr(0, 5) == "value" && key != "valueQuantity" && key != "valueString" && key != "valueInteger")
            fail("E_FHIR_VALUE", at / key,
                 std::string(key) + ": an XML4 result (GIA_TRI) is a Quantity, string or integer");
        if (key.substr(0, 9) == "effective" && key != "effectiveDateTime")
            fail("E_FHIR_VALUE", at / key,
                 std::string(key) + ": an XML4 result time (NGAY_KQ) is an effectiveDateTime");
    }
    element quantity;
    if (obj(r, "valueQuantity", at, quantity)) {
        row.set("GIA_TRI", number(quantity, "value", at / "valueQuantity"));
        std::string_view unit = str(quantity, "unit", at / "valueQuantity");
        if (unit.empty()) unit = str(quantity, "code", at / "valueQuantity");
        row.set("DON_VI_DO", unit);
    }
    row.set("GIA_TRI", str(r, "valueString", at));
    row.set("GIA_TRI", number(r, "valueInteger", at));
    row.set("NGAY_KQ", time12(r, "effectiveDateTime", at));
    row.set("MA_BS_DOC_KQ", practitioners(r, "performer", at));
    row.set("MO_TA", notes(r, at));
}

void FhirBundleReader::Impl::referral(const Entry& e, const Path& at, Row& row) {
    const element& r = e.resource;
    identifiers(r, at, [&](std::string_view system, std::string_view value, const element&, const Path&) {
        if (system == kSidReferralPaper)
            row.set("GIAY_CHUYEN_TUYEN", value);
        else if (system == kSidReferralFile)
            row.set("SO_HOSO", value);
        else if (system == kSidReferralRegister)
            row.set("SO_CHUYENTUYEN", value);
        return true;
    });
    row.set("MA_BAC_SI", practitioners(r, "requester", at));
    array performers;
    if (arr(r, "performer", at, performers)) {
        std::size_t i = 0;
        for (element p : performers) {
            const std::string_view to = facility_of(p, at.item("performer", i++));
            if (to.empty()) continue;
            row.set("MA_CSKCB_DEN", to);
            break;
        }
    }
    reason_codes(r, at, row);
    array list;
    if (arr(r, "note", at, list)) {
        std::size_t i = 0;
        for (element n : list) {
            const Path p = at.item("note", i++);
            std::string_view field;
            array exts;
            if (arr(n, "extension", p, exts))
                for (element x : exts)
                    if (str(x, "url", p) == kExtNoteField) field = str(x, "valueString", p / "extension");
            if (field.empty()) {
                fail("E_FHIR_VALUE", p,
                     "a referral note must name the XML13 field it holds (extension " + std::string(kExtNoteField) +
                         ")");
                return;
            }
            row.set(field, str(n, "text", p));
        }
    }
}

void FhirBundleReader::Impl::appointment(const Entry& e, const Path& at, Row& row) {
    const element& r = e.resource;
    identifiers(r, at, [&](std::string_view system, std::string_view value, const element&, const Path&) {
        if (system == kSidAppointmentSlip) row.set("SO_GIAYHEN_KL", value);
        return true;
    });
    row.set("NGAY_HEN_KL", time12(r, "start", at));
    row.set("NGAY_CT", date8(r, "created", at));
    array participants;
    if (arr(r, "participant", at, participants)) {
        std::size_t i = 0;
        for (element p : participants) {
            const Path pp = at.item("participant", i++);
            element actor;
            if (!obj(p, "actor", pp, actor)) continue;
            const int t = resolve(str(actor, "reference", pp / "actor"));
            if (t < 0 || (entries[static_cast<std::size_t>(t)].type != Type::location &&
                          entries[static_cast<std::size_t>(t)].type != Type::organization))
                continue;
            row.set("MA_CSKCB", facility_of(actor, pp / "actor"));
            break;
        }
    }
    reason_codes(r, at, row);
}

// ---------------------------------------------------------------------------
// The vaccination.

void FhirBundleReader::Impl::immunization(const Entry& e, const Path& at, Row& row) {
    const element& r = e.resource;
    identifiers(r, at, [&](std::string_view system, std::string_view value, const element&, const Path&) {
        if (system.substr(0, kSourcePrefix.size()) != kSourcePrefix) return true;
        row.set("HE_THONG_NGUON", system.substr(kSourcePrefix.size()));
        row.set("MA_BAN_GHI", value);
        return false;
    });
    if (const std::string_view status = str(r, "status", at); status != "completed")
        fail("E_FHIR_VALUE", at / "status",
             "Immunization.status " + quoted(status) + ": a vaccination record is a completed dose");
    element concept_;
    if (obj(r, "vaccineCode", at, concept_)) {
        row.set("MA_VACCINE", code_of(concept_, at / "vaccineCode", kCsVaccine));
        row.set("TEN_VACCINE", text_of(concept_, at / "vaccineCode", kCsVaccine));
    }
    element v;
    if (member(r, "occurrenceString", v))
        fail("E_FHIR_VALUE", at / "occurrenceString",
             "occurrenceString: the time of a dose (NGAY_TIEM) is an occurrenceDateTime");
    if (const std::string_view when = str(r, "occurrenceDateTime", at); !when.empty()) {
        Moment t;
        if (!parse_moment(when, t) || t.precision < Moment::Precision::day)
            fail("E_FHIR_VALUE", at / "occurrenceDateTime",
                 "occurrenceDateTime " + quoted(when) + " is not a FHIR dateTime with a day");
        row.set("NGAY_TIEM", keep(bhyt_digits(t, t.precision == Moment::Precision::minute ? 5 : 3)));
    }
    element location;
    if (obj(r, "location", at, location))
        if (const Entry* place = target(location, at / "location", {Type::location}))
            row.set("NOI_TIEM", str(place->resource, "name", at / "location"));
    array performers;
    if (arr(r, "performer", at, performers)) {
        std::size_t i = 0;
        for (element p : performers) {
            const Path pp = at.item("performer", i++);
            element actor;
            if (!obj(p, "actor", pp, actor)) continue;
            const std::string_view facility = facility_of(actor, pp / "actor");
            if (facility.empty()) continue;
            row.set("MA_CSKCB", facility);
            break;
        }
    }
    row.set("SO_LO", str(r, "lotNumber", at));
    element maker;
    if (obj(r, "manufacturer", at, maker)) {
        std::string_view name = str(maker, "display", at / "manufacturer");
        if (const Entry* org = name.empty() ? target(maker, at / "manufacturer", {Type::organization}) : nullptr)
            name = str(org->resource, "name", at / "manufacturer");
        row.set("NHA_SAN_XUAT", name);
    }
    row.set("GHI_CHU", notes(r, at));
    array protocol;
    if (arr(r, "protocolApplied", at, protocol)) {
        if (protocol.size() > 1)
            fail("E_FHIR_VALUE", at / "protocolApplied",
                 "Immunization has " + std::to_string(protocol.size()) +
                     " protocolApplied; a vaccination record is one dose");
        for (element p : protocol) {
            const Path pp = at.item("protocolApplied", 0);
            row.set("MUI_THU", number(p, "doseNumberPositiveInt", pp));
            row.set("MUI_THU", str(p, "doseNumberString", pp));
        }
    }
}

}  // namespace ehb
