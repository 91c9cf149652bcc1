// Integer hashing: FNV-1a and a xorshift PRNG over a generated buffer, plus CRC32 (table driven).
#define LEN (1 << 20)
static unsigned char buf[LEN];
static unsigned int crc_table[256];
__attribute__((export_name("run"))) long long run(void) {
    unsigned long long x = 88172645463325252ULL;
    for (int i = 0; i < LEN; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        buf[i] = (unsigned char)x;
    }
    for (unsigned int n = 0; n < 256; n++) {
        unsigned int c = n;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
    unsigned long long fnv = 1469598103934665603ULL;
    unsigned int crc = 0xFFFFFFFFu;
    for (int rep = 0; rep < 4; rep++)
        for (int i = 0; i < LEN; i++) {
            fnv = (fnv ^ buf[i]) * 1099511628211ULL;
            crc = crc_table[(crc ^ buf[i]) & 0xFF] ^ (crc >> 8);
        }
    return (long long)(fnv ^ ((unsigned long long)crc << 17));
}
