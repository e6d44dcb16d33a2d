# Installation (cmake --install) and packages (cpack): a .deb on Linux, a .zip on Windows.
#
#   Linux:   PREFIX/bin/TOOL, PREFIX/share/man/man{1,7}/*.gz, shell completions where bash,
#            zsh and fish look for them, PREFIX/share/doc/hvtools/{README.md,copyright,changelog.gz}
#            (copyright: the MIT licence in Debian's format; Debian wants no other licence file)
#   Windows: a flat folder: TOOL.exe, hvtools.ps1 (PowerShell completion), README.md, LICENSE,
#            doc/*.html (the man pages rendered by mandoc on the build machine)
#
# tests/e2e/install_tree.sh, install_deb.sh and install_zip.sh check the file lists.
include(GNUInstallDirs)
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
    GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
# Debian wants the .deb's Maintainer (and the changelog's trailer) as "Name <email>" (lintian:
# malformed-contact); hvtools has no address of its own, so a packager sets theirs here.
set(HVT_CONTACT "hvtools <hvtools@example.org>" CACHE STRING
    "Maintainer of the .deb (Name <email>): the Maintainer field and the changelog's trailer")

if(WIN32)
  set(HVT_BINDIR .)
  set(HVT_DOCDIR .)
  set(HVT_HTMLDIR doc)
else()
  set(HVT_BINDIR ${CMAKE_INSTALL_BINDIR})
  set(HVT_DOCDIR ${CMAKE_INSTALL_DOCDIR})
endif()

# ---- programs ----
foreach(tool ${HVT_TOOLS})
  if(TARGET ${tool})
    install(TARGETS ${tool} RUNTIME DESTINATION ${HVT_BINDIR})
    # With --strip (and in packages) also drop the compiler's .comment, as Debian's dh_strip.
    if(CMAKE_OBJCOPY AND NOT WIN32)
      install(CODE "
        if(CMAKE_INSTALL_DO_STRIP)
          execute_process(COMMAND \"${CMAKE_OBJCOPY}\" --remove-section=.comment
            \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${HVT_BINDIR}/${tool}\")
        endif()")
    endif()
  endif()
endforeach()

# ---- man pages: gzipped (Debian policy) on Linux, HTML for Windows ----
file(GLOB hvt_man_pages CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/man/*.[1-9])
set(hvt_docs "")
if(NOT WIN32)
  find_program(HVT_GZIP gzip)
endif()
find_program(HVT_MANDOC mandoc)
if(WIN32 AND NOT HVT_MANDOC)
  message(WARNING "mandoc not found: the Windows package will have no HTML manual pages")
endif()
foreach(page ${hvt_man_pages})
  get_filename_component(name ${page} NAME)
  string(REGEX REPLACE ".*\\.([1-9])$" "\\1" section ${name})
  if(WIN32)
    if(HVT_MANDOC)
      set(out ${PROJECT_BINARY_DIR}/doc/${name}.html)
      # Links to hvtools pages stay in doc/, others go to man7.org's Linux pages (mandoc picks
      # the first form when man/NAME.SECTION exists, hence the working directory).
      add_custom_command(OUTPUT ${out}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/doc
        COMMAND ${CMAKE_COMMAND} -DOUT=${out} -P ${PROJECT_SOURCE_DIR}/cmake/ToFile.cmake
                ${HVT_MANDOC} -T html
                "-Oman=%N.%S.html$<SEMICOLON>https://man7.org/linux/man-pages/man%S/%N.%S.html" ${name}
        WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/man
        DEPENDS ${page} VERBATIM)
      list(APPEND hvt_docs ${out})
      install(FILES ${out} DESTINATION ${HVT_HTMLDIR})
    endif()
  elseif(HVT_GZIP)
    set(out ${PROJECT_BINARY_DIR}/man/${name}.gz)
    add_custom_command(OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
      COMMAND ${CMAKE_COMMAND} -DOUT=${out} -P ${PROJECT_SOURCE_DIR}/cmake/ToFile.cmake
              ${HVT_GZIP} -9 -n -c ${page}
      DEPENDS ${page} VERBATIM)
    list(APPEND hvt_docs ${out})
    install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  else()
    install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  endif()
endforeach()

# ---- documents ----
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${HVT_DOCDIR})
if(WIN32)
  install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${HVT_DOCDIR})
else()
  install(FILES ${PROJECT_SOURCE_DIR}/docs/copyright DESTINATION ${HVT_DOCDIR})
  if(HVT_GZIP)
    # Debian wants a changelog in its own format for a native package.
    string(TIMESTAMP hvt_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
    set(HVT_VERSION ${PROJECT_VERSION})
    configure_file(${PROJECT_SOURCE_DIR}/docs/changelog.in ${PROJECT_BINARY_DIR}/doc/changelog @ONLY)
    set(out ${PROJECT_BINARY_DIR}/doc/changelog.gz)
    add_custom_command(OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -DOUT=${out} -P ${PROJECT_SOURCE_DIR}/cmake/ToFile.cmake
              ${HVT_GZIP} -9 -n -c ${PROJECT_BINARY_DIR}/doc/changelog
      DEPENDS ${PROJECT_BINARY_DIR}/doc/changelog VERBATIM)
    list(APPEND hvt_docs ${out})
    install(FILES ${out} DESTINATION ${HVT_DOCDIR})
  endif()
endif()
add_custom_target(hvt_docs ALL DEPENDS ${hvt_docs})

# ---- shell completions (completions/generate.py writes them from the tools' --help) ----
set(comp ${PROJECT_SOURCE_DIR}/completions)
if(WIN32)
  install(FILES ${comp}/powershell/hvtools.ps1 DESTINATION .)
else()
  # bash-completion loads completions/NAME for command NAME: the one file under every name.
  # Its directory comes from bash-completion.pc, made relative to its prefix so that it
  # follows CMAKE_INSTALL_PREFIX (bash-completion also searches XDG_DATA_DIRS).
  set(HVT_BASH_COMPLETION_DIR "" CACHE STRING "bash completions directory (default: from bash-completion.pc)")
  set(bashdir ${HVT_BASH_COMPLETION_DIR})
  if(NOT bashdir)
    set(bashdir ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
    find_package(PkgConfig QUIET)
    if(PKG_CONFIG_FOUND)
      pkg_get_variable(bc_dir bash-completion completionsdir)
      pkg_get_variable(bc_prefix bash-completion prefix)
      if(bc_dir AND bc_prefix AND bc_dir MATCHES "^${bc_prefix}/(.+)$")
        set(bashdir ${CMAKE_MATCH_1})
      elseif(bc_dir)
        set(bashdir ${bc_dir})
      endif()
    endif()
  endif()
  foreach(tool ${HVT_TOOLS})
    install(FILES ${comp}/bash/hvtools DESTINATION ${bashdir} RENAME ${tool})
    install(FILES ${comp}/fish/${tool}.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
  endforeach()

  # zsh searches PREFIX/share/zsh/site-functions, but Debian's zsh has packages' completions
  # in /usr/share/zsh/vendor-completions. The prefix is known only at install time (cpack
  # installs into a staging PREFIX that ends in /usr).
  set(HVT_ZSH_COMPLETION_DIR "" CACHE STRING "zsh completions directory (default: site-functions, Debian's vendor-completions under /usr)")
  if(HVT_ZSH_COMPLETION_DIR)
    install(FILES ${comp}/zsh/_hvtools DESTINATION ${HVT_ZSH_COMPLETION_DIR})
  else()
    set(vendor FALSE)
    if(EXISTS /etc/debian_version)
      set(vendor TRUE)
    endif()
    install(CODE "
      set(hvt_zsh site-functions)
      set(hvt_debian ${vendor})
      get_filename_component(hvt_last \"\${CMAKE_INSTALL_PREFIX}\" NAME)
      if(hvt_debian AND hvt_last STREQUAL usr)
        set(hvt_zsh vendor-completions)
      endif()
      file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/zsh/\${hvt_zsh}\"
           TYPE FILE FILES \"${comp}/zsh/_hvtools\")")
  endif()

  # Regenerate the completions from this tree's tools (the same as
  # completions/generate.py --tools 'TOOL...' BUILD_DIR); tests/e2e/completions_drift.sh checks
  # them.
  find_package(Python3 COMPONENTS Interpreter QUIET)
  if(Python3_FOUND AND NOT CMAKE_CROSSCOMPILING)
    list(JOIN HVT_TOOLS " " tools_text)
    add_custom_target(completions
      COMMAND ${Python3_EXECUTABLE} ${comp}/generate.py --tools "${tools_text}" ${PROJECT_BINARY_DIR}
      DEPENDS ${HVT_TOOLS} VERBATIM)
  endif()
endif()

# ---- packages ----
set(CPACK_PACKAGE_NAME hvtools)
set(CPACK_PACKAGE_VENDOR hvtools)
set(CPACK_PACKAGE_CONTACT hvtools)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${HVT_CONTACT}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "netcat, registration, listing and ping for Hyper-V sockets")
set(CPACK_PACKAGE_DESCRIPTION "Small tools for Hyper-V sockets (hvsockets): stream sockets between
a Hyper-V host and its virtual machines that need no network (AF_HYPERV
on Windows, AF_VSOCK with the hv_sock transport in Linux guests).
hvnc is netcat for them: connect, listen, run a program per connection,
forward between hv, vsock, tcp and unix sockets. hvreg registers guest
communication services on the host, hvlist lists services, VMs and vsock
sockets, hvping measures round trips and says why a connection fails.")
set(CPACK_STRIP_FILES ON)
set(CPACK_VERBATIM_VARIABLES ON)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\.git/" "/\\.cache/" "/build[^/]*/")
if(WIN32)
  set(CPACK_GENERATOR ZIP)
  set(CPACK_PACKAGE_FILE_NAME hvtools-${PROJECT_VERSION}-win64)
  set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)
else()
  set(CPACK_GENERATOR DEB)
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_SECTION net)
  set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
endif()
include(CPack)
