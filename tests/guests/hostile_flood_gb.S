/* hostile_flood_gb.S - hostile_flood.S with 1 GiB: bench/flood_gb.sh. */
#define FLOOD_BYTES (1 << 30)
#include "hostile_flood.S"
