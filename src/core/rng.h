// rng.h -- the package's own random-number generator, shared by every
// resampling kernel (Monte Carlo permutation tests, bootstrap intervals).
//
// xoshiro256** (Blackman & Vigna 2021, "Scrambled linear pseudorandom number
// generators", ACM TOMS 47:36), its 256-bit state filled by splitmix64 from a
// 64-bit seed; bounded integers by Lemire's multiply-shift with rejection
// (exactly uniform).  No R RNG is used inside the C++ loops: a given seed
// gives the same stream on every platform.
#ifndef SMALLSURV_RNG_H
#define SMALLSURV_RNG_H

#include <cstdint>

namespace smallsurv {

// splitmix64's output function (Steele, Lea & Flood 2014): a bijective
// 64-bit mix, used to seed and to derive independent per-replicate seeds.
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
  // uniform on 0..m-1, 0 < m < 2^32: Lemire's multiply-shift with rejection
  // (exactly uniform; a division only when the low word falls in the
  // rejection zone)
  std::uint32_t below(std::uint32_t m) {
    std::uint64_t prod = (next() >> 32) * static_cast<std::uint64_t>(m);
    std::uint32_t low = static_cast<std::uint32_t>(prod);
    if (low < m) {
      const std::uint32_t threshold = (0u - m) % m;  // 2^32 mod m
      while (low < threshold) {
        prod = (next() >> 32) * static_cast<std::uint64_t>(m);
        low = static_cast<std::uint32_t>(prod);
      }
    }
    return static_cast<std::uint32_t>(prod >> 32);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace smallsurv

#endif
