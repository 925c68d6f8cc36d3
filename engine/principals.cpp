#include "engine/principals.hpp"
