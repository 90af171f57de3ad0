# No public header includes a POSIX or platform header (issue 12: an engine on any platform
# compiles include/ as it is; the POSIX calls live in src/files/*.cpp). Run as
#   cmake -DINCLUDE_DIR=<repo>/include -P public_headers_portable.cmake
file(GLOB_RECURSE headers "${INCLUDE_DIR}/*.hpp")
list(LENGTH headers count)
if(count LESS 20)
  message(FATAL_ERROR "found only ${count} headers under ${INCLUDE_DIR}: wrong folder?")
endif()
set(platform_header
    "#[ \t]*include[ \t]*<(unistd|fcntl|signal|pthread|dlfcn|dirent|windows|io|direct|sys/[a-z_]+)\\.h>")
set(offenders "")
foreach(header IN LISTS headers)
  file(STRINGS "${header}" hits REGEX "${platform_header}")
  if(hits)
    list(APPEND offenders "${header}: ${hits}")
  endif()
endforeach()
if(offenders)
  list(JOIN offenders "\n  " listed)
  message(FATAL_ERROR "public headers include platform headers:\n  ${listed}")
endif()
message(STATUS "${count} public headers, none includes a platform header")
