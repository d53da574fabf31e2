#pragma once

#include <pthread.h>

namespace jc {

// Names the calling thread for `top -H`, `ps -L` and profilers (Linux keeps 15 characters).
inline void name_this_thread(const char* name) noexcept {
  char shortened[16] = {};
  for (int i = 0; i < 15 && name[i] != '\0'; ++i) shortened[i] = name[i];
  pthread_setname_np(pthread_self(), shortened);
}

}  // namespace jc
