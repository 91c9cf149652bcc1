// A larger real program: a deflate-style compressor and decompressor (own code, no libc), run as a round trip.
// LZ77 with hash chains over a 32 KB window, then canonical Huffman coding of literal/length and distance symbols
// (deflate's length and distance code tables), in blocks of up to BLOCK_TOKENS tokens, each with its own code
// lengths in the header. The decoder rebuilds the canonical codes and decodes bit by bit. run() compresses generated
// text, decompresses it, checks the round trip and returns a checksum of the compressed stream.
// Layout of a block: 1 bit "last block", 286 + 30 code lengths of 4 bits each, then the symbols, then end-of-block.
#define INPUT_SIZE (1 << 18)
#define WSIZE 32768
#define WMASK (WSIZE - 1)
#define HASH_BITS 15
#define HASH_SIZE (1 << HASH_BITS)
#define MAX_CHAIN 48
#define MIN_MATCH 3
#define MAX_MATCH 258
#define BLOCK_TOKENS 16384
#define NUM_LITLEN 286
#define NUM_DIST 30
#define MAX_BITS 15
#define END_OF_BLOCK 256

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

static u8 input[INPUT_SIZE];
static u8 compressed[INPUT_SIZE + INPUT_SIZE / 8 + 1024];
static u8 output[INPUT_SIZE];

// ---- deflate's length and distance code tables ----
static const u16 LENGTH_BASE[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83,
                                    99, 115, 131, 163, 195, 227, 258};
static const u8 LENGTH_EXTRA[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5,
                                    0};
static const u16 DIST_BASE[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025,
                                  1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const u8 DIST_EXTRA[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12,
                                  12, 13, 13};

static int length_code(int len) {
    int c = 28;
    while (LENGTH_BASE[c] > len) c--;
    return c;
}

static int dist_code(int dist) {
    int c = 29;
    while (DIST_BASE[c] > dist) c--;
    return c;
}

// ---- input: text-like data from a skewed vocabulary, so that it compresses like prose ----
static u32 rng;
static u32 next_random(void) {
    rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5;
    return rng;
}

static void generate_input(u32 seed) {
    static u8 vocabulary[128][12];
    static u8 word_len[128];
    rng = seed;
    for (int w = 0; w < 128; w++) {
        word_len[w] = (u8)(2 + next_random() % 9);
        for (int i = 0; i < word_len[w]; i++) vocabulary[w][i] = (u8)('a' + next_random() % 26);
    }
    int pos = 0;
    while (pos < INPUT_SIZE) {
        u32 r = next_random();
        int w = (int)(((r & 127) * ((r >> 7) & 127)) >> 7);  // small indices are more frequent
        for (int i = 0; i < word_len[w] && pos < INPUT_SIZE; i++) input[pos++] = vocabulary[w][i];
        if (pos < INPUT_SIZE) {
            u32 sep = (r >> 14) & 31;
            input[pos++] = sep == 0 ? '\n' : sep == 1 ? '.' : sep == 2 ? ',' : ' ';
        }
        if (((r >> 20) & 63) == 0) {  // now and then a number, which compresses worse
            u32 n = next_random() % 100000;
            do {
                if (pos < INPUT_SIZE) input[pos++] = (u8)('0' + n % 10);
                n /= 10;
            } while (n);
        }
    }
}

// ---- bit output, least significant bit first ----
static u64 bit_buffer;
static int bit_count;
static int out_pos;

static void put_bits(u32 value, int n) {
    bit_buffer |= (u64)value << bit_count;
    bit_count += n;
    while (bit_count >= 8) {
        compressed[out_pos++] = (u8)bit_buffer;
        bit_buffer >>= 8;
        bit_count -= 8;
    }
}

static void flush_bits(void) {
    if (bit_count > 0) compressed[out_pos++] = (u8)bit_buffer;
    bit_buffer = 0;
    bit_count = 0;
}

// ---- Huffman code lengths from frequencies (two-queue construction, lengths limited by flattening) ----
static void build_lengths(const u32 *freq, int n, u8 *lengths) {
    static u32 weight[2 * NUM_LITLEN];
    static int parent[2 * NUM_LITLEN];
    static int leaves[NUM_LITLEN];
    static u32 scaled[NUM_LITLEN];
    for (int i = 0; i < n; i++) { lengths[i] = 0; scaled[i] = freq[i]; }
    for (;;) {
        int count = 0;
        for (int i = 0; i < n; i++)
            if (scaled[i]) leaves[count++] = i;
        if (count == 0) return;
        if (count == 1) { lengths[leaves[0]] = 1; return; }
        // insertion sort of the used symbols by weight (stable, so ties keep symbol order)
        for (int i = 1; i < count; i++) {
            int s = leaves[i], j = i - 1;
            while (j >= 0 && scaled[leaves[j]] > scaled[s]) { leaves[j + 1] = leaves[j]; j--; }
            leaves[j + 1] = s;
        }
        // nodes 0..count-1 are the sorted leaves, count.. are internal nodes in order of creation
        for (int i = 0; i < count; i++) weight[i] = scaled[leaves[i]];
        int next_leaf = 0, next_internal = count, created = count;
        while (created < 2 * count - 1) {
            int pick[2];
            for (int k = 0; k < 2; k++) {
                if (next_leaf < count && (next_internal >= created || weight[next_leaf] <= weight[next_internal]))
                    pick[k] = next_leaf++;
                else
                    pick[k] = next_internal++;
            }
            weight[created] = weight[pick[0]] + weight[pick[1]];
            parent[pick[0]] = created;
            parent[pick[1]] = created;
            created++;
        }
        // depth of a node = depth of its parent + 1; parents are created after their children
        static int depth[2 * NUM_LITLEN];
        depth[created - 1] = 0;
        int max_depth = 0;
        for (int i = created - 2; i >= 0; i--) {
            depth[i] = depth[parent[i]] + 1;
            if (i < count && depth[i] > max_depth) max_depth = depth[i];
        }
        if (max_depth <= MAX_BITS) {
            for (int i = 0; i < count; i++) lengths[leaves[i]] = (u8)depth[i];
            return;
        }
        for (int i = 0; i < n; i++)  // too deep: flatten the distribution and build again
            if (scaled[i]) scaled[i] = (scaled[i] >> 1) | 1;
    }
}

// Canonical codes for the lengths, bit-reversed because codes are sent most significant bit first.
static void assign_codes(const u8 *lengths, int n, u16 *codes) {
    u16 bl_count[MAX_BITS + 1] = {0};
    u16 next_code[MAX_BITS + 1];
    for (int i = 0; i < n; i++) bl_count[lengths[i]]++;
    bl_count[0] = 0;
    u16 code = 0;
    for (int bits = 1; bits <= MAX_BITS; bits++) {
        code = (u16)((code + bl_count[bits - 1]) << 1);
        next_code[bits] = code;
    }
    for (int i = 0; i < n; i++) {
        int len = lengths[i];
        if (len == 0) continue;
        u32 c = next_code[len]++, reversed = 0;
        for (int b = 0; b < len; b++) { reversed = (reversed << 1) | (c & 1); c >>= 1; }
        codes[i] = (u16)reversed;
    }
}

// ---- the compressor ----
static int head[HASH_SIZE];
static int prev[WSIZE];
static u16 token_length[BLOCK_TOKENS];  // 0 for a literal
static u16 token_value[BLOCK_TOKENS];   // the literal byte, or the match distance

static u32 hash3(int pos) {
    u32 v = (u32)input[pos] | ((u32)input[pos + 1] << 8) | ((u32)input[pos + 2] << 16);
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

static void write_block(int tokens, int last) {
    static u32 litlen_freq[NUM_LITLEN], dist_freq[NUM_DIST];
    static u8 litlen_len[NUM_LITLEN], dist_len[NUM_DIST];
    static u16 litlen_code[NUM_LITLEN], dist_code_of[NUM_DIST];
    for (int i = 0; i < NUM_LITLEN; i++) litlen_freq[i] = 0;
    for (int i = 0; i < NUM_DIST; i++) dist_freq[i] = 0;
    for (int t = 0; t < tokens; t++) {
        if (token_length[t] == 0) {
            litlen_freq[token_value[t]]++;
        } else {
            litlen_freq[257 + length_code(token_length[t])]++;
            dist_freq[dist_code(token_value[t])]++;
        }
    }
    litlen_freq[END_OF_BLOCK] = 1;
    build_lengths(litlen_freq, NUM_LITLEN, litlen_len);
    build_lengths(dist_freq, NUM_DIST, dist_len);
    assign_codes(litlen_len, NUM_LITLEN, litlen_code);
    assign_codes(dist_len, NUM_DIST, dist_code_of);
    put_bits((u32)last, 1);
    for (int i = 0; i < NUM_LITLEN; i++) put_bits(litlen_len[i], 4);
    for (int i = 0; i < NUM_DIST; i++) put_bits(dist_len[i], 4);
    for (int t = 0; t < tokens; t++) {
        int len = token_length[t];
        if (len == 0) {
            int sym = token_value[t];
            put_bits(litlen_code[sym], litlen_len[sym]);
        } else {
            int lc = length_code(len), dist = token_value[t], dc = dist_code(dist);
            put_bits(litlen_code[257 + lc], litlen_len[257 + lc]);
            put_bits((u32)(len - LENGTH_BASE[lc]), LENGTH_EXTRA[lc]);
            put_bits(dist_code_of[dc], dist_len[dc]);
            put_bits((u32)(dist - DIST_BASE[dc]), DIST_EXTRA[dc]);
        }
    }
    put_bits(litlen_code[END_OF_BLOCK], litlen_len[END_OF_BLOCK]);
}

static int compress(int size) {
    out_pos = 0;
    bit_buffer = 0;
    bit_count = 0;
    for (int i = 0; i < HASH_SIZE; i++) head[i] = -1;
    int tokens = 0, pos = 0;
    while (pos < size) {
        int best_len = 0, best_dist = 0;
        if (pos + MIN_MATCH <= size) {
            u32 h = hash3(pos);
            int candidate = head[h], chain = MAX_CHAIN;
            int limit = size - pos < MAX_MATCH ? size - pos : MAX_MATCH;
            while (candidate >= 0 && pos - candidate <= WSIZE - 1 && chain-- > 0) {
                if (input[candidate + best_len] == input[pos + best_len]) {
                    int len = 0;
                    while (len < limit && input[candidate + len] == input[pos + len]) len++;
                    if (len > best_len) {
                        best_len = len;
                        best_dist = pos - candidate;
                        if (len == limit) break;
                    }
                }
                candidate = prev[candidate & WMASK];
            }
            prev[pos & WMASK] = head[h];
            head[h] = pos;
        }
        if (best_len >= MIN_MATCH) {
            token_length[tokens] = (u16)best_len;
            token_value[tokens] = (u16)best_dist;
            // insert the hashes of the matched positions, so later matches can refer to them
            for (int i = 1; i < best_len; i++) {
                int p = pos + i;
                if (p + MIN_MATCH <= size) {
                    u32 h = hash3(p);
                    prev[p & WMASK] = head[h];
                    head[h] = p;
                }
            }
            pos += best_len;
        } else {
            token_length[tokens] = 0;
            token_value[tokens] = input[pos];
            pos++;
        }
        if (++tokens == BLOCK_TOKENS) {
            write_block(tokens, pos >= size);
            tokens = 0;
        }
    }
    if (tokens > 0 || out_pos == 0) write_block(tokens, 1);
    flush_bits();
    return out_pos;
}

// ---- the decompressor ----
typedef struct {
    u16 count[MAX_BITS + 1];  // number of codes of each length
    u16 symbol[NUM_LITLEN];   // symbols ordered by code
} Huffman;

static int in_pos, in_size;
static u32 in_bits;
static int in_bit_count;

static int get_bits(int n) {  // -1 when the input is exhausted
    u32 value = in_bits;
    while (in_bit_count < n) {
        if (in_pos >= in_size) return -1;
        value |= (u32)compressed[in_pos++] << in_bit_count;
        in_bit_count += 8;
    }
    in_bits = value >> n;
    in_bit_count -= n;
    return (int)(value & ((1u << n) - 1));
}

static void build_decoder(Huffman *h, const u8 *lengths, int n) {
    u16 offsets[MAX_BITS + 1];
    for (int i = 0; i <= MAX_BITS; i++) h->count[i] = 0;
    for (int i = 0; i < n; i++) h->count[lengths[i]]++;
    offsets[1] = 0;
    for (int len = 1; len < MAX_BITS; len++) offsets[len + 1] = (u16)(offsets[len] + h->count[len]);
    for (int i = 0; i < n; i++)
        if (lengths[i]) h->symbol[offsets[lengths[i]]++] = (u16)i;
}

static int decode_symbol(const Huffman *h) {  // -1 on a bad code or exhausted input
    int code = 0, first = 0, index = 0;
    for (int len = 1; len <= MAX_BITS; len++) {
        int bit = get_bits(1);
        if (bit < 0) return -1;
        code |= bit;
        int count = h->count[len];
        if (code - count < first) return h->symbol[index + (code - first)];
        index += count;
        first += count;
        first <<= 1;
        code <<= 1;
    }
    return -1;
}

static int decompress(int size) {  // returns the number of bytes written, -1 on corrupt input
    static Huffman litlen, dist;
    static u8 lengths[NUM_LITLEN + NUM_DIST];
    in_pos = 0;
    in_size = size;
    in_bits = 0;
    in_bit_count = 0;
    int out = 0, last = 0;
    while (!last) {
        last = get_bits(1);
        if (last < 0) return -1;
        for (int i = 0; i < NUM_LITLEN + NUM_DIST; i++) {
            int len = get_bits(4);
            if (len < 0) return -1;
            lengths[i] = (u8)len;
        }
        build_decoder(&litlen, lengths, NUM_LITLEN);
        build_decoder(&dist, lengths + NUM_LITLEN, NUM_DIST);
        for (;;) {
            int sym = decode_symbol(&litlen);
            if (sym < 0) return -1;
            if (sym < 256) {
                if (out >= INPUT_SIZE) return -1;
                output[out++] = (u8)sym;
            } else if (sym == END_OF_BLOCK) {
                break;
            } else {
                int lc = sym - 257;
                if (lc >= 29) return -1;
                int extra = get_bits(LENGTH_EXTRA[lc]);
                int dc = decode_symbol(&dist);
                if (extra < 0 || dc < 0) return -1;
                int len = LENGTH_BASE[lc] + extra;
                int dextra = get_bits(DIST_EXTRA[dc]);
                if (dextra < 0) return -1;
                int d = DIST_BASE[dc] + dextra;
                if (d > out || out + len > INPUT_SIZE) return -1;
                for (int i = 0; i < len; i++, out++) output[out] = output[out - d];
            }
        }
    }
    return out;
}

static u32 adler32(const u8 *data, int n) {
    u32 a = 1, b = 0;
    for (int i = 0; i < n; i++) {
        a = (a + data[i]) % 65521;
        b = (b + a) % 65521;
    }
    return (b << 16) | a;
}

__attribute__((export_name("run"))) long long run(void) {
    u64 checksum = 0;
    for (u32 round = 0; round < 3; round++) {
        generate_input(0x9E3779B9u + round * 7919u);
        int packed = compress(INPUT_SIZE);
        int unpacked = decompress(packed);
        if (unpacked != INPUT_SIZE) return -1;
        for (int i = 0; i < INPUT_SIZE; i++)
            if (output[i] != input[i]) return -2;
        checksum = checksum * 1000003u + ((u64)packed << 32 | adler32(compressed, packed));
    }
    return (long long)checksum;
}
