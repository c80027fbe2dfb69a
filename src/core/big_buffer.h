// big_buffer.h -- an allocator for the large temporary arrays of the engine.
//
// At n = 1e6 the kernel's time is dominated not by arithmetic but by the
// page faults of touching freshly allocated memory (measured: a 4 KiB fault
// per page costs more than the radix sort's work on it).  On Linux, blocks of
// 4 MiB or more are aligned to 2 MiB and marked MADV_HUGEPAGE, so that the
// kernel can back them with transparent huge pages (one fault per 2 MiB)
// where the system allows it; elsewhere, and for small blocks, this is
// std::allocator.  Nothing else changes: the memory is used as usual.
#ifndef SMALLSURV_BIG_BUFFER_H
#define SMALLSURV_BIG_BUFFER_H

#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace smallsurv {

template <class T>
struct BigAllocator {
  using value_type = T;
  BigAllocator() = default;
  template <class U>
  BigAllocator(const BigAllocator<U>&) {}

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::size_t kHuge = std::size_t(2) << 20;
    if (bytes >= 2 * kHuge) {
      void* p = nullptr;
      if (posix_memalign(&p, kHuge, bytes) != 0) throw std::bad_alloc();
      madvise(p, bytes, MADV_HUGEPAGE);  // a hint: failure is harmless
      return static_cast<T*>(p);
    }
#endif
    void* p = std::malloc(bytes == 0 ? 1 : bytes);
    if (!p) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) { std::free(p); }
};

template <class T, class U>
bool operator==(const BigAllocator<T>&, const BigAllocator<U>&) { return true; }
template <class T, class U>
bool operator!=(const BigAllocator<T>&, const BigAllocator<U>&) { return false; }

// A vector for large temporary arrays.
template <class T>
using big_vector = std::vector<T, BigAllocator<T>>;

}  // namespace smallsurv

#endif
