// resample.cpp -- see resample.h.
#include "resample.h"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace smallsurv {

namespace {
constexpr std::chrono::milliseconds kPollEvery(5);
}

Watch::Watch(std::function<void()> poll, double seconds)
    : poll_(std::move(poll)),
      start_(std::chrono::steady_clock::now()),
      last_poll_(start_),
      seconds_(seconds) {}

bool Watch::check() {
  const auto now = std::chrono::steady_clock::now();
  if (poll_ && now - last_poll_ >= kPollEvery) {
    last_poll_ = now;
    poll_();
  }
  if (std::isfinite(seconds_) && seconds_ > 0.0 &&
      std::chrono::duration<double>(now - start_).count() > seconds_) {
    expired_ = true;
  }
  return expired_;
}

void parallel_blocks(std::size_t nblocks, int threads, const BlockTask& task,
                     const std::function<void()>& poll) {
  if (nblocks == 0) return;
  if (threads <= 0) {  // small job: the calling thread
    std::atomic<bool> none(false);
    for (std::size_t b = 0; b < nblocks; ++b) {
      task(b, 0, none);
      if (poll && b + 1 < nblocks) poll();
    }
    return;
  }
  const int nw = worker_count(nblocks, threads);
  std::atomic<bool> stop(false);
  std::atomic<std::size_t> next(0);
  std::mutex mu;
  std::condition_variable cv;
  int running = nw;
  std::exception_ptr failure;

  auto work = [&](int w) {
    try {
      for (;;) {
        if (stop.load(std::memory_order_relaxed)) break;
        const std::size_t b = next.fetch_add(1);
        if (b >= nblocks) break;
        task(b, w, stop);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu);
      if (!failure) failure = std::current_exception();
      stop.store(true);
    }
    std::lock_guard<std::mutex> lock(mu);
    --running;
    cv.notify_all();
  };

  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(nw));
  try {
    for (int w = 0; w < nw; ++w) pool.emplace_back(work, w);
  } catch (...) {  // could not start a thread: stop those that did
    stop.store(true);
    for (auto& t : pool) t.join();
    throw;
  }
  std::exception_ptr interrupted;
  {
    std::unique_lock<std::mutex> lock(mu);
    while (running > 0) {
      cv.wait_for(lock, kPollEvery);
      if (running == 0 || !poll || interrupted) continue;
      lock.unlock();
      try {
        poll();
      } catch (...) {
        interrupted = std::current_exception();
        stop.store(true);
      }
      lock.lock();
    }
  }
  for (auto& t : pool) t.join();
  if (interrupted) std::rethrow_exception(interrupted);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace smallsurv
