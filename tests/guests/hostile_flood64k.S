/* hostile_flood64k.S - hostile_flood.S with 64 KiB: tests/hostile/
 * clients.sh floods clients in ack mode with it, several runs in a row. */
#define FLOOD_BYTES (1 << 16)
#include "hostile_flood.S"
