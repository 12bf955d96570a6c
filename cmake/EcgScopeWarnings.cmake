# One INTERFACE target carries the project's compile settings, so every target gets the same ones.
add_library(ecgscope_settings INTERFACE)
add_library(EcgScope::settings ALIAS ecgscope_settings)
target_compile_options(ecgscope_settings INTERFACE -Wall -Wextra -Wpedantic -Wnon-virtual-dtor $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local>)
if(ECGSCOPE_WARNINGS_AS_ERRORS)
  target_compile_options(ecgscope_settings INTERFACE -Werror)
endif()
# Qt's `slots`/`signals`/`emit` macros clash with LibTorch headers; the code uses Q_SLOTS etc.
target_compile_definitions(ecgscope_settings INTERFACE QT_NO_KEYWORDS
  ECGSCOPE_VERSION="${PROJECT_VERSION}")
if(ECGSCOPE_FUZZ)
  # Undefined behaviour aborts (instead of a log line), so the fuzzer keeps a reproducer and CI fails.
  target_compile_options(ecgscope_settings INTERFACE -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(ecgscope_settings INTERFACE -fsanitize=address,undefined)
endif()
