// rng.h -- the package's one random-number generator, shared by every
// resampling kernel (Monte Carlo permutation tests of log-rank, Gray and
// RMST, bootstrap intervals, the coverage laboratory).
//
// xoshiro256** (Blackman & Vigna 2021, "Scrambled linear pseudorandom number
// generators", ACM TOMS 47:36), its 256-bit state filled by splitmix64 from a
// 64-bit seed; bounded integers by Lemire's multiply-shift with rejection
// on 32-bit halves of the outputs (exactly uniform; two draws per output);
// uniforms on (0, 1) from the top 53 bits of a fresh output.
//
// Independent streams.  Replicates are drawn in blocks of kStreamBlock
// (resample.h); block k uses stream k, the seed's state advanced by k calls
// of jump() -- 2^128 steps each, the authors' published way to split the
// sequence into non-overlapping subsequences (2^128 streams of 2^128
// numbers).  Which thread draws a block does not matter, so results are
// identical for any number of threads, and a given seed gives the same
// numbers on every platform.  No R generator is used inside the C++ loops.
#ifndef SMALLSURV_RNG_H
#define SMALLSURV_RNG_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace smallsurv {

// splitmix64's output function (Steele, Lea & Flood 2014): a bijective
// 64-bit mix, used to fill the state from the seed.
inline std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Xoshiro256 {
 public:
  explicit Xoshiro256(std::uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9E3779B97F4A7C15ULL;
      s = mix64(seed);
    }
  }
  // A generator in the given raw state (for the reference test vectors).
  static Xoshiro256 from_state(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
    Xoshiro256 g(0);
    g.s_[0] = a;
    g.s_[1] = b;
    g.s_[2] = c;
    g.s_[3] = d;
    g.have_low_ = false;
    return g;
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // 32 random bits: the upper then the lower half of one output
  std::uint32_t next32() {
    if (have_low_) {
      have_low_ = false;
      return low_;
    }
    const std::uint64_t x = next();
    low_ = static_cast<std::uint32_t>(x);
    have_low_ = true;
    return static_cast<std::uint32_t>(x >> 32);
  }
  // uniform on 0..m-1, 0 < m < 2^32: Lemire's multiply-shift on 32 random
  // bits with rejection (exactly uniform; a division only when the low word
  // falls in the rejection zone)
  std::uint32_t below(std::uint32_t m) {
    std::uint64_t prod = static_cast<std::uint64_t>(next32()) * static_cast<std::uint64_t>(m);
    std::uint32_t low = static_cast<std::uint32_t>(prod);
    if (low < m) {
      const std::uint32_t threshold = (0u - m) % m;  // 2^32 mod m
      while (low < threshold) {
        prod = static_cast<std::uint64_t>(next32()) * static_cast<std::uint64_t>(m);
        low = static_cast<std::uint32_t>(prod);
      }
    }
    return static_cast<std::uint32_t>(prod >> 32);
  }
  // uniform on (0, 1), never 0 or 1: ((x >> 11) + 0.5) 2^-53
  double uniform01() {
    have_low_ = false;
    return (static_cast<double>(next() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
  }
  // advance by 2^128 steps (the reference implementation's jump polynomial)
  void jump() {
    static const std::uint64_t kJump[] = {0x180ec6d33cfd0abaULL, 0xd5a61266f0c9392cULL,
                                          0xa9582618e03fc9aaULL, 0x39abdc4529b1661cULL};
    std::uint64_t t[4] = {0, 0, 0, 0};
    for (std::uint64_t word : kJump) {
      for (int b = 0; b < 64; ++b) {
        if (word & (std::uint64_t(1) << b)) {
          for (int k = 0; k < 4; ++k) t[k] ^= s_[k];
        }
        next();
      }
    }
    for (int k = 0; k < 4; ++k) s_[k] = t[k];
    have_low_ = false;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
  std::uint32_t low_ = 0;
  bool have_low_ = false;
};

// The generators of streams 0..count-1 of `seed` (stream k: k jumps).
inline std::vector<Xoshiro256> rng_streams(std::uint64_t seed, std::size_t count) {
  std::vector<Xoshiro256> out;
  out.reserve(count);
  Xoshiro256 g(seed);
  for (std::size_t k = 0; k < count; ++k) {
    out.push_back(g);
    g.jump();
  }
  return out;
}

}  // namespace smallsurv

#endif
