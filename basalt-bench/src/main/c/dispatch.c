// Call-heavy, indirect: virtual dispatch through vtables of function pointers (call_indirect through the function
// table), over objects whose types are chosen at run time so that the compiler cannot devirtualize the calls.
typedef struct Shape Shape;
typedef struct {
    unsigned (*area)(const Shape *s);
    void (*grow)(Shape *s, unsigned by);
    unsigned (*sides)(const Shape *s);
} VTable;
struct Shape {
    const VTable *vt;
    unsigned a, b;
};

static unsigned rect_area(const Shape *s) { return s->a * s->b; }
static void rect_grow(Shape *s, unsigned by) { s->a += by; s->b += by >> 1; }
static unsigned rect_sides(const Shape *s) { (void)s; return 4; }
static unsigned tri_area(const Shape *s) { return s->a * s->b / 2; }
static void tri_grow(Shape *s, unsigned by) { s->a += by >> 1; s->b += by; }
static unsigned tri_sides(const Shape *s) { (void)s; return 3; }
static unsigned circle_area(const Shape *s) { return 3 * s->a * s->a + (s->a >> 3); }
static void circle_grow(Shape *s, unsigned by) { s->a = (s->a + by) & 1023; }
static unsigned circle_sides(const Shape *s) { (void)s; return 0; }
static unsigned square_area(const Shape *s) { return s->a * s->a; }
static void square_grow(Shape *s, unsigned by) { s->a = (s->a ^ by) & 2047; }
static unsigned square_sides(const Shape *s) { return 4 + (s->a & 1); }

static const VTable VTABLES[4] = {
    {rect_area, rect_grow, rect_sides},
    {tri_area, tri_grow, tri_sides},
    {circle_area, circle_grow, circle_sides},
    {square_area, square_grow, square_sides},
};

// A second kind of dispatch: an operator table indexed by data, as a tiny expression evaluator would use.
typedef unsigned (*BinOp)(unsigned x, unsigned y);
static unsigned op_add(unsigned x, unsigned y) { return x + y; }
static unsigned op_sub(unsigned x, unsigned y) { return x - y; }
static unsigned op_mul(unsigned x, unsigned y) { return x * y; }
static unsigned op_xor(unsigned x, unsigned y) { return x ^ y; }
static unsigned op_rotl(unsigned x, unsigned y) { y &= 31; return (x << y) | (x >> ((32 - y) & 31)); }
static unsigned op_min(unsigned x, unsigned y) { return x < y ? x : y; }
static unsigned op_max(unsigned x, unsigned y) { return x > y ? x : y; }
static unsigned op_avg(unsigned x, unsigned y) { return (x >> 1) + (y >> 1) + (x & y & 1); }
static const BinOp OPS[8] = {op_add, op_sub, op_mul, op_xor, op_rotl, op_min, op_max, op_avg};

#define SHAPES 4096
#define ROUNDS 400
#define PROGRAM 1024
static Shape shapes[SHAPES];
static unsigned char program[PROGRAM];
static unsigned operands[PROGRAM];

static unsigned rng_state;
static unsigned next_random(void) {
    rng_state ^= rng_state << 13; rng_state ^= rng_state >> 17; rng_state ^= rng_state << 5;
    return rng_state;
}

__attribute__((export_name("run"))) long long run(void) {
    rng_state = 2463534242u;
    for (int i = 0; i < SHAPES; i++) {
        unsigned r = next_random();
        shapes[i].vt = &VTABLES[r & 3];
        shapes[i].a = (r >> 2) & 255;
        shapes[i].b = (r >> 10) & 255;
    }
    for (int i = 0; i < PROGRAM; i++) {
        unsigned r = next_random();
        program[i] = (unsigned char)(r & 7);
        operands[i] = r >> 3;
    }
    unsigned long long total = 0;
    unsigned acc = 1;
    for (int round = 0; round < ROUNDS; round++) {
        unsigned sides = 0;
        for (int i = 0; i < SHAPES; i++) {
            Shape *s = &shapes[i];
            total += s->vt->area(s);
            sides += s->vt->sides(s);
            s->vt->grow(s, (unsigned)(round + i) & 15);
        }
        for (int i = 0; i < PROGRAM; i++) acc = OPS[program[i]](acc, operands[i] ^ sides);
        total ^= (unsigned long long)acc << 20;
    }
    return (long long)(total ^ acc);
}
