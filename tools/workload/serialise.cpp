// Serialisation: a Plan written as the JSON document (XML1, XML2, XML4, XML13, XML14).
#include <algorithm>
#include <string_view>

#include "tools/workload/model.hpp"

// Field helpers: FS = string field (key, opening quote), FN = number field.
#define FS(key) ",\"" key "\":\""
#define FN(key) ",\"" key "\":"
#define FE(key) ",\"" key "\":\"\""

namespace ehb::workload {

void Generator::Impl::serialize(const Plan& p, W& w) const {
    const Citizen& a = p.a;
    const Citizen& cd = p.card;
    const Facility& f = fac[p.fac];
    const T::Icd& icd = T::kIcd[p.icd];
    const std::string_view fcode(f.code, 5);
    const bool inpatient = p.loai == 3 || p.loai == 4 || p.loai == 6;
    const uint32_t rate = kRatePct[cd.benefit];

    // MA_LK: admission date + a counter, unique per facility.
    char malk[24];
    W lk{malk};
    lk.date(p.day);
    lk.pad(p.within_day, p.within_day < 1'000'000 ? 6 : 9);
    const std::string_view ma_lk(malk, static_cast<size_t>(lk.p - malk));

    auto ma_benh_kt = [&](W& o) {
        for (uint8_t k = 0; k < p.n_sec; ++k) {
            if (k) o.ch(';');
            o.str(T::kSecondary[p.sec[k]]);
        }
    };
    auto chan_doan_rv = [&](W& o) {
        o.str(icd.name);
        if (p.n_sec) o.lit("; bệnh kèm theo");
    };

    int64_t t_thuoc = 0;  // VND cents
    for (uint8_t k = 0; k < p.n_drugs; ++k) t_thuoc += int64_t{p.drugs[k].qty} * T::kDrugs[p.drugs[k].drug].price * 100;
    const int64_t tong = t_thuoc + (p.vtyt + p.services) * 100;
    const int64_t bhtt = tong * rate / 100;
    const int64_t ra_date = floor_div(p.ra, 1440);
    const Ymd settle = civil_from_days(p.loai == 2 || p.loai == 5 || p.loai == 7 ? p.day : ra_date);
    const int episode_year = civil_from_days(p.day).y;
    const int64_t the_tu = std::max(days_from_civil(episode_year, 1, 1), cd.bday);
    const int64_t the_den = days_from_civil(episode_year, 12, 31);
    // XML13 and XML14 copy these XML1 fields, in this order.
    auto copied_card_and_stay = [&] {
        w.lit("\"" FS("MA_THE_BHYT"));
        write_card(w, cd);
        w.lit("\"" FS("GT_THE_DEN"));
        w.date(the_den);
        w.lit("\"" FS("NGAY_VAO"));
        w.ts(p.vao);
        w.lit("\"" FS("NGAY_VAO_NOI_TRU"));
        if (p.vao_nt >= 0) w.ts(p.vao_nt);
        w.lit("\"" FS("NGAY_RA"));
        w.ts(p.ra);
    };

    // ------------------------------------------------------------ XML1
    w.lit("{\"XML1\":{\"MA_LK\":\"");
    w.str(ma_lk);
    w.lit("\",\"STT\":1" FS("MA_BN"));
    w.pad(hash3(cfg.seed, p.fac, a.i) % 10'000'000'000ULL, 10);
    w.lit("\"" FS("HO_TEN"));
    write_name(w, a);
    w.lit("\"" FS("SO_CCCD"));
    if (p.kind == kOldId)
        w.pad(a.old9, 9);
    else if (p.kind != kCardOnly)
        write_citizen_id(w, a);
    w.lit("\"" FS("NGAY_SINH"));
    write_birth(w, a);
    w.lit("\"" FN("GIOI_TINH"));
    w.u(a.sex);
    w.lit(FS("NHOM_MAU"));
    if ((a.h & 0xff) < 40) w.str(kBlood[(a.h >> 8) % std::size(kBlood)]);
    w.lit("\"" FS("MA_QUOCTICH") "000\"" FS("MA_DANTOC"));
    write_ethnic(w, a);
    w.lit("\"" FS("MA_NGHE_NGHIEP"));
    write_job(w, a);
    w.lit("\"" FS("DIA_CHI"));
    write_address(w, a);
    w.lit("\"" FS("MATINH_CU_TRU"));
    w.str(T::kProvinces[a.rprov].code);
    w.lit("\"" FS("MAHUYEN_CU_TRU"));
    w.pad(a.rprov * 15u + (a.h >> 32) % 15 + 1, 3);
    w.lit("\"" FS("MAXA_CU_TRU"));
    w.pad(a.rprov * 500u + (a.h >> 40) % 500 + 1, 5);
    w.lit("\"" FS("DIEN_THOAI"));
    if ((a.h >> 48) % 4 != 0) {
        w.ch('0');
        w.str(kPhone[(a.h >> 50) % std::size(kPhone)]);
        w.pad(mix64(a.h) % 10'000'000, 7);
    }
    w.lit("\"" FS("MA_THE_BHYT"));
    write_card(w, cd);
    w.lit("\"" FS("MA_DKBD"));
    write_dkbd(w, cd);
    w.lit("\"" FS("GT_THE_TU"));
    w.date(the_tu);
    w.lit("\"" FS("GT_THE_DEN"));
    w.date(the_den);
    w.lit("\"" FE("NGAY_MIEN_CCT") FS("LY_DO_VV"));
    w.str(icd.reason);
    w.lit("\"" FS("LY_DO_VNT"));
    if (p.vao_nt >= 0) w.str(icd.reason);
    w.lit("\"" FE("MA_LY_DO_VNT") FS("CHAN_DOAN_VAO"));
    w.str(icd.name);
    w.lit("\"" FS("CHAN_DOAN_RV"));
    chan_doan_rv(w);
    w.lit("\"" FS("MA_BENH_CHINH"));
    w.str(icd.code);
    w.lit("\"" FS("MA_BENH_KT"));
    ma_benh_kt(w);
    w.lit("\"" FE("MA_BENH_YHCT") FS("MA_PTTT_QT"));
    if (icd.cat == T::kObst && p.loai == 3) w.str(icd.code == "O82" ? "74.1" : "73.59");
    w.lit("\"" FS("MA_DOITUONG_KCB"));
    w.str(kDoituong[p.doituong]);
    w.lit("\"" FS("MA_NOI_DI"));
    if (p.noi_di != UINT32_MAX) w.str(std::string_view(fac[p.noi_di].code, 5));
    w.lit("\"" FS("MA_NOI_DEN"));
    if (p.noi_den != UINT32_MAX) w.str(std::string_view(fac[p.noi_den].code, 5));
    w.lit("\"" FN("MA_TAI_NAN"));
    w.u(p.tai_nan);
    w.lit(FS("NGAY_VAO"));
    w.ts(p.vao);
    w.lit("\"" FS("NGAY_VAO_NOI_TRU"));
    if (p.vao_nt >= 0) w.ts(p.vao_nt);
    w.lit("\"" FS("NGAY_RA"));
    w.ts(p.ra);
    w.lit("\"" FS("GIAY_CHUYEN_TUYEN"));
    if (p.xml13) {
        w.u(p.within_day % 9000 + 1);
        w.ch('/');
        w.u(static_cast<uint64_t>(episode_year));
        w.lit("/GCT");
    }
    w.lit("\"" FN("SO_NGAY_DTRI"));
    w.u(static_cast<uint64_t>(p.so_ngay));
    w.lit(FS("PP_DIEU_TRI"));
    w.str(T::kTreatment[icd.cat]);
    w.lit("\"" FN("KET_QUA_DTRI"));
    w.u(p.kq);
    w.lit(FN("MA_LOAI_RV"));
    w.u(p.rv);
    w.lit(FS("GHI_CHU"));
    w.str(T::kAdvice[p.advice]);
    w.lit("\"" FS("NGAY_TTOAN"));
    if (p.ttoan >= 0) w.ts(p.ttoan);
    w.lit("\"" FN("T_THUOC"));
    w.money(t_thuoc);
    w.lit(FN("T_VTYT"));
    w.money(p.vtyt * 100);
    w.lit(FN("T_TONGCHI_BV"));
    w.money(tong);
    w.lit(FN("T_TONGCHI_BH"));
    w.money(tong);
    w.lit(FN("T_BNTT") "0" FN("T_BNCCT"));
    w.money(tong - bhtt);
    w.lit(FN("T_BHTT"));
    w.money(bhtt);
    w.lit(FN("T_NGUONKHAC") "0" FN("T_BHTT_GDV") "0" FN("NAM_QT"));
    w.u(static_cast<uint64_t>(settle.y));
    w.lit(FN("THANG_QT"));
    w.u(settle.m);
    w.lit(FS("MA_LOAI_KCB"));
    w.str(kLoai[p.loai]);
    w.lit("\"" FS("MA_KHOA"));
    if (inpatient || p.loai == 9) {
        w.lit("K01;");
        w.str(kDept[icd.cat]);
    } else {
        w.lit("K01");
    }
    w.lit("\"" FS("MA_CSKCB"));
    w.str(fcode);
    w.lit("\"" FS("MA_KHUVUC"));
    if (T::kProvinces[a.rprov].highland && (a.h >> 56) % 10 < 3) {
        w.ch('K');
        w.ch(static_cast<char>('1' + (a.h >> 60) % 3));
    }
    w.lit("\"" FS("CAN_NANG"));
    if (p.weight10) w.fixed(p.weight10, 1);
    w.lit("\"" FS("CAN_NANG_CON"));
    if (icd.cat == T::kObst && p.loai == 3) w.u(2600 + (a.h >> 20) % 1200);
    w.lit("\"" FS("NAM_NAM_LIEN_TUC"));
    if ((cd.group == gDN || cd.group == gHT || cd.group == gHC) && (a.h >> 12) % 5 == 0)
        w.date(days_from_civil(2015 + static_cast<int>((a.h >> 4) % 5), 1 + (a.h >> 7) % 12, 1));
    w.lit("\"" FS("NGAY_TAI_KHAM"));
    if (p.hen >= 0) w.date(floor_div(p.hen, 1440));
    w.lit("\"" FS("MA_HSBA"));
    if (inpatient) w.lit("BA");
    w.str(ma_lk);
    w.lit("\"" FS("MA_TTDV"));
    w.pad(hash3(cfg.seed, p.fac, 0x77d) % 10'000'000'000ULL, 10);
    w.lit("\"" FE("DU_PHONG") "}");

    // ------------------------------------------------------------ XML2
    if (p.n_drugs) {
        w.lit(",\"XML2\":[");
        for (uint8_t k = 0; k < p.n_drugs; ++k) {
            const DrugRow& d = p.drugs[k];
            const T::Drug& dr = T::kDrugs[d.drug];
            const int64_t tt = int64_t{d.qty} * dr.price * 100;
            const int64_t bh = tt * rate / 100;
            if (k) w.ch(',');
            w.lit("{\"MA_LK\":\"");
            w.str(ma_lk);
            w.lit("\",\"STT\":");
            w.u(k + 1u);
            w.lit(FS("MA_THUOC"));
            w.str(dr.code);
            w.lit("\"" FE("MA_PP_CHEBIEN") FE("MA_CSKCB_THUOC") FN("MA_NHOM") "4" FS("TEN_THUOC"));
            w.str(dr.name);
            w.lit("\"" FS("DON_VI_TINH"));
            w.str(dr.unit);
            w.lit("\"" FS("HAM_LUONG"));
            w.str(dr.strength);
            w.lit("\"" FS("DUONG_DUNG"));
            w.str(dr.route);
            w.lit("\"" FS("DANG_BAO_CHE"));
            w.str(dr.form);
            w.lit("\"" FS("LIEU_DUNG"));
            w.u(d.per_time);
            w.ch(' ');
            w.str(dr.unit_lower);
            w.lit("/lần * ");
            w.u(d.times);
            w.lit(" lần/ngày * ");
            w.u(d.days);
            w.lit(" ngày [");
            w.u(uint32_t{d.per_time} * d.times);
            w.ch(' ');
            w.str(dr.unit_lower);
            w.lit("/ngày]" "\"" FS("CACH_DUNG"));
            w.str(dr.usage);
            w.lit("\"" FS("SO_DANG_KY"));
            w.str(dr.reg);
            w.lit("\"" FS("TT_THAU"));
            w.u(100 + (hash3(f.prov, d.drug, 3) % 900));
            w.lit("/QĐ-SYT;G1;N");
            w.u(1 + d.drug % 5);
            w.lit(";2024\"" FN("PHAM_VI") "1" FN("TYLE_TT_BH") "100" FN("SO_LUONG"));
            w.u(d.qty);
            w.lit(FN("DON_GIA"));
            w.u(dr.price);
            w.lit(FN("THANH_TIEN_BV"));
            w.money(tt);
            w.lit(FN("THANH_TIEN_BH"));
            w.money(tt);
            w.lit(FN("T_NGUONKHAC_NSNN") "0" FN("T_NGUONKHAC_VTNN") "0" FN("T_NGUONKHAC_VTTN") "0" FN(
                "T_NGUONKHAC_CL") "0" FN("T_NGUONKHAC") "0" FN("MUC_HUONG"));
            w.u(rate);
            w.lit(FN("T_BHTT"));
            w.money(bh);
            w.lit(FN("T_BNCCT"));
            w.money(tt - bh);
            w.lit(FN("T_BNTT") "0" FS("MA_KHOA"));
            w.str(inpatient ? kDept[icd.cat] : std::string_view("K01"));
            w.lit("\"" FS("MA_BAC_SI"));
            write_doctor(w, p.fac, p.doctor);
            w.lit("\"" FE("MA_DICH_VU") FS("NGAY_YL"));
            w.ts(d.yl);
            w.lit("\"" FS("NGAY_TH_YL"));
            w.ts(d.th);
            w.lit("\"" FN("MA_PTTT") "1" FN("NGUON_CTRA") "1" FE("VET_THUONG_TP") FE("DU_PHONG") "}");
        }
        w.ch(']');
    }

    // ------------------------------------------------------------ XML4
    if (p.n_labs) {
        w.lit(",\"XML4\":[");
        for (uint8_t k = 0; k < p.n_labs; ++k) {
            const LabRow& row = p.labs[k];
            const T::LabPanel& lp = T::kLabPanels[row.panel];
            const T::LabItem& li = T::kLabItems[row.item];
            const bool pending = p.pending & (1u << k);
            if (k) w.ch(',');
            w.lit("{\"MA_LK\":\"");
            w.str(ma_lk);
            w.lit("\",\"STT\":");
            w.u(k + 1u);
            w.lit(FS("MA_DICH_VU"));
            w.str(lp.service);
            w.lit("\"" FS("MA_CHI_SO"));
            w.str(li.code);
            w.lit("\"" FS("TEN_CHI_SO"));
            w.str(li.name);
            w.lit("\"" FS("GIA_TRI"));
            std::string_view desc, concl;
            if (lp.imaging) {
                const T::Finding* fs = row.item == 26 ? T::kXray : row.item == 27 ? T::kUltrasound : T::kEcg;
                const size_t nf = row.item == 26 ? std::size(T::kXray)
                                  : row.item == 27 ? std::size(T::kUltrasound)
                                                   : std::size(T::kEcg);
                const T::Finding& fd = fs[row.finding < 40 ? 0 : row.finding % nf];
                desc = fd.description;
                concl = fd.conclusion;
            } else if (!pending) {
                if (!li.choices.empty()) {
                    // the n-th '|'-separated choice
                    std::string_view c = li.choices;
                    size_t n = 0;
                    for (char ch : c) n += ch == '|';
                    size_t want = row.finding % (n + 1);
                    while (want--) c.remove_prefix(c.find('|') + 1);
                    w.str(c.substr(0, c.find('|')));
                } else {
                    w.fixed(row.value, li.dec);
                }
            }
            w.lit("\"" FS("DON_VI_DO"));
            w.str(li.unit);
            w.lit("\"" FS("MO_TA"));
            w.str(desc);
            w.lit("\"" FS("KET_LUAN"));
            w.str(concl);
            w.lit("\"" FS("NGAY_KQ"));
            w.ts(row.kq);
            w.lit("\"" FS("MA_BS_DOC_KQ"));
            write_doctor(w, p.fac, p.lab_doctor);
            w.lit("\"" FE("DU_PHONG") "}");
        }
        w.ch(']');
    }

    // ------------------------------------------------------------ XML13
    if (p.xml13) {
        w.lit(",\"XML13\":{\"MA_LK\":\"");
        w.str(ma_lk);
        w.lit("\"" FS("SO_HOSO") "HS");
        w.pad(p.within_day, 6);
        w.lit("\"" FS("SO_CHUYENTUYEN"));
        w.u(p.within_day % 9000 + 1);
        w.lit("\"" FS("GIAY_CHUYEN_TUYEN"));
        w.u(p.within_day % 9000 + 1);
        w.ch('/');
        w.u(static_cast<uint64_t>(episode_year));
        w.lit("/GCT\"" FS("MA_CSKCB"));
        w.str(fcode);
        w.lit("\"" FS("MA_NOI_DI"));
        w.str(fcode);
        w.lit("\"" FS("MA_NOI_DEN"));
        w.str(std::string_view(fac[p.noi_den].code, 5));
        w.lit("\"" FS("HO_TEN"));
        write_name(w, a);
        w.lit("\"" FS("NGAY_SINH"));
        write_birth(w, a);
        w.lit("\"" FN("GIOI_TINH"));
        w.u(a.sex);
        w.lit(FS("MA_QUOCTICH") "000\"" FS("MA_DANTOC"));
        write_ethnic(w, a);
        w.lit("\"" FS("MA_NGHE_NGHIEP"));
        write_job(w, a);
        w.lit("\"" FS("DIA_CHI"));
        write_address(w, a);
        copied_card_and_stay();
        w.lit("\"" FS("DAU_HIEU_LS"));
        w.str(T::kSigns[p.signs]);
        w.lit("\"" FS("CHAN_DOAN_RV"));
        chan_doan_rv(w);
        w.lit("\"" FS("QT_BENHLY"));
        w.str(T::kCourse[p.course]);
        w.lit("\"" FS("TOMTAT_KQ"));
        for (uint8_t k = 0, n = 0; k < p.n_labs && n < 3; ++k) {
            if (p.pending & (1u << k)) continue;
            const T::LabItem& li = T::kLabItems[p.labs[k].item];
            if (!li.choices.empty() || T::kLabPanels[p.labs[k].panel].imaging) continue;
            if (n++) w.lit("; ");
            w.str(li.name);
            w.lit(": ");
            w.fixed(p.labs[k].value, li.dec);
            w.ch(' ');
            w.str(li.unit);
        }
        w.lit("\"" FS("PP_DIEUTRI"));
        w.str(T::kTreatment[icd.cat]);
        w.lit("\"" FS("MA_BENH_CHINH"));
        w.str(icd.code);
        w.lit("\"" FS("MA_BENH_KT"));
        ma_benh_kt(w);
        w.lit("\"" FE("MA_BENH_YHCT") FS("TEN_DICH_VU") "Khám bệnh");
        for (uint8_t k = 0; k < p.n_labs; ++k)
            if (k == 0 || p.labs[k].panel != p.labs[k - 1].panel) {
                w.lit("; ");
                w.str(T::kLabPanels[p.labs[k].panel].name);
            }
        w.lit("\"" FS("TEN_THUOC"));
        for (uint8_t k = 0; k < p.n_drugs; ++k) {
            if (k) w.lit("; ");
            w.str(T::kDrugs[p.drugs[k].drug].name);
        }
        w.lit("\"" FS("PP_DIEU_TRI"));
        w.str(T::kTreatment[icd.cat]);
        w.lit("\"" FN("MA_LOAI_RV"));
        w.u(p.rv);
        w.lit(FN("MA_LYDO_CT"));
        w.u(p.lydo_ct);
        w.lit(FS("HUONG_DIEU_TRI"));
        w.str(T::kDirections[p.direction]);
        w.lit("\"" FS("PHUONGTIEN_VC"));
        w.str(T::kTransport[p.transport]);
        w.lit("\"" FS("HOTEN_NGUOI_HT"));
        if (p.escort) {
            Citizen nurse = a;
            nurse.h = hash3(cfg.seed, p.fac, 0x4e55);
            nurse.sex = 2;
            nurse.byear = 1990;
            write_name(w, nurse);
        }
        w.lit("\"" FS("CHUCDANH_NGUOI_HT"));
        if (p.escort) w.str("Điều dưỡng");
        w.lit("\"" FS("MA_BAC_SI"));
        write_doctor(w, p.fac, p.doctor);
        w.lit("\"" FS("MA_TTDV"));
        w.pad(hash3(cfg.seed, p.fac, 0x77d) % 10'000'000'000ULL, 10);
        w.lit("\"" FE("DU_PHONG") "}");
    }

    // ------------------------------------------------------------ XML14
    if (p.xml14) {
        w.lit(",\"XML14\":{\"MA_LK\":\"");
        w.str(ma_lk);
        w.lit("\"" FS("SO_GIAYHEN_KL") "GH");
        w.pad(p.within_day, 6);
        w.lit("\"" FS("MA_CSKCB"));
        w.str(fcode);
        w.lit("\"" FS("HO_TEN"));
        write_name(w, a);
        w.lit("\"" FS("NGAY_SINH"));
        write_birth(w, a);
        w.lit("\"" FN("GIOI_TINH"));
        w.u(a.sex);
        w.lit(FS("DIA_CHI"));
        write_address(w, a);
        copied_card_and_stay();
        w.lit("\"" FS("NGAY_HEN_KL"));
        w.ts(p.hen);
        w.lit("\"" FS("CHAN_DOAN_RV"));
        chan_doan_rv(w);
        w.lit("\"" FS("MA_BENH_CHINH"));
        w.str(icd.code);
        w.lit("\"" FS("MA_BENH_KT"));
        ma_benh_kt(w);
        w.lit("\"" FE("MA_BENH_YHCT") FS("MA_DOITUONG_KCB"));
        w.str(kDoituong[p.doituong]);
        w.lit("\"" FS("MA_BAC_SI"));
        write_doctor(w, p.fac, p.doctor);
        w.lit("\"" FS("MA_TTDV"));
        w.pad(hash3(cfg.seed, p.fac, 0x77d) % 10'000'000'000ULL, 10);
        w.lit("\"" FS("NGAY_CT"));
        w.date(ra_date);
        w.lit("\"" FE("DU_PHONG") "}");
    }
    w.ch('}');
}

}  // namespace ehb::workload
