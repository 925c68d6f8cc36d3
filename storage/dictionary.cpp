#include "storage/dictionary.hpp"

#include <zdict.h>

#include <stdexcept>

namespace ehb {

Dictionary::Dictionary(std::string bytes) : bytes_(std::move(bytes)) {
    id_ = ZDICT_getDictID(bytes_.data(), bytes_.size());
    if (id_ == 0) throw std::runtime_error("zstd dictionary without an ID");
    ddict_ = ZSTD_createDDict(bytes_.data(), bytes_.size());
    if (!ddict_) throw std::runtime_error("zstd dictionary " + std::to_string(id_) + " cannot be loaded");
}

Dictionary::~Dictionary() { ZSTD_freeDDict(ddict_); }

std::shared_ptr<const Dictionary> Dictionary::train(const std::vector<std::string>& samples) {
    std::string joined;
    std::vector<std::size_t> sizes;
    for (const auto& s : samples) {
        joined += s;
        sizes.push_back(s.size());
    }
    std::string dict(kDictionaryBytes, '\0');
    std::size_t n = ZDICT_trainFromBuffer(dict.data(), dict.size(), joined.data(), sizes.data(),
                                          static_cast<unsigned>(sizes.size()));
    if (ZDICT_isError(n)) return nullptr;
    dict.resize(n);
    return std::make_shared<const Dictionary>(std::move(dict));
}

std::shared_ptr<const Dictionary> DictionarySet::latest() const {
    std::lock_guard lock(mutex_);
    return all_.empty() ? nullptr : all_.back();
}

std::shared_ptr<const Dictionary> DictionarySet::find(uint32_t id) const {
    std::lock_guard lock(mutex_);
    for (const auto& d : all_) {
        if (d->id() == id) return d;
    }
    return nullptr;
}

void DictionarySet::add(std::shared_ptr<const Dictionary> dictionary) {
    std::lock_guard lock(mutex_);
    all_.push_back(std::move(dictionary));
}

}  // namespace ehb
