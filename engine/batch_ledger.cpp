#include "engine/batch_ledger.hpp"
