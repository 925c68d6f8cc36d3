#include "net/wire.hpp"
