# Install rules for everything but the binaries (app/CMakeLists.txt installs
# those), and the CPack configuration of the Debian package `trailerlab`.
#
#   cmake --build BUILD --target package        # or: (cd BUILD && cpack -G DEB)
#
# Layout (FHS / XDG, everything under CMAKE_INSTALL_PREFIX, /usr in the .deb):
#   bin/trailerlab, bin/trailerlab-cli
#   share/applications/org.trailerlab.TrailerLab.desktop        (GUI builds only)
#   share/icons/hicolor/scalable/apps/org.trailerlab.TrailerLab.svg
#   share/metainfo/org.trailerlab.TrailerLab.metainfo.xml
#   share/man/man1/trailerlab-cli.1.gz, trailerlab.1.gz
#   share/doc/trailerlab/README.md, copyright
include(GNUInstallDirs)

set(TRAILERLAB_APP_ID org.trailerlab.TrailerLab)
set(_pkg_resources ${PROJECT_SOURCE_DIR}/resources/packaging)
set(_pkg_out ${PROJECT_BINARY_DIR}/packaging)

# Man pages: hand-written in packaging/man, stamped with the version and gzipped
# (Debian policy). tests/packaging checks that they list every CLI command.
find_program(GZIP_PROGRAM gzip REQUIRED)
set(_man_pages trailerlab-cli)
if(TRAILERLAB_WITH_QT)
  list(APPEND _man_pages trailerlab)
endif()
set(_man_outputs)
foreach(page IN LISTS _man_pages)
  configure_file(${PROJECT_SOURCE_DIR}/packaging/man/${page}.1 ${_pkg_out}/man/${page}.1 @ONLY)
  add_custom_command(OUTPUT ${_pkg_out}/man/${page}.1.gz
                     COMMAND ${GZIP_PROGRAM} -9 -n -c ${_pkg_out}/man/${page}.1 > ${_pkg_out}/man/${page}.1.gz
                     DEPENDS ${_pkg_out}/man/${page}.1
                     COMMENT "Compressing the man page ${page}.1")
  list(APPEND _man_outputs ${_pkg_out}/man/${page}.1.gz)
endforeach()
add_custom_target(trailerlab_man_pages ALL DEPENDS ${_man_outputs})
install(FILES ${_man_outputs} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime)

# AppStream metadata: the release is this version; its date honours SOURCE_DATE_EPOCH.
string(TIMESTAMP TRAILERLAB_RELEASE_DATE "%Y-%m-%d" UTC)
configure_file(${_pkg_resources}/${TRAILERLAB_APP_ID}.metainfo.xml
               ${_pkg_out}/${TRAILERLAB_APP_ID}.metainfo.xml @ONLY)
install(FILES ${_pkg_out}/${TRAILERLAB_APP_ID}.metainfo.xml
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/metainfo COMPONENT runtime)
install(FILES ${_pkg_resources}/${TRAILERLAB_APP_ID}.svg
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/icons/hicolor/scalable/apps COMPONENT runtime)
if(TRAILERLAB_WITH_QT)
  install(FILES ${_pkg_resources}/${TRAILERLAB_APP_ID}.desktop
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/applications COMPONENT runtime)
endif()

# Documentation: /usr/share/doc/trailerlab (CMAKE_INSTALL_DOCDIR would say TrailerLab).
set(TRAILERLAB_INSTALL_DOCDIR ${CMAKE_INSTALL_DATAROOTDIR}/doc/trailerlab)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/packaging/copyright
        DESTINATION ${TRAILERLAB_INSTALL_DOCDIR} COMPONENT runtime)

# CPack: one .deb named trailerlab with the runtime component ------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME trailerlab)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "TrailerLab")
set(CPACK_PACKAGE_CONTACT "TrailerLab maintainers <maintainers@trailerlab.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "workbench for trailer-feature collaborative filtering")
set(CPACK_PACKAGE_INSTALL_DIRECTORY trailerlab)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_DEB_COMPONENT_INSTALL OFF)
set(CPACK_COMPONENTS_ALL runtime)
set(CPACK_INSTALL_CMAKE_PROJECTS "${PROJECT_BINARY_DIR};${PROJECT_NAME};runtime;/")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_NAME trailerlab)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://trailerlab.invalid/")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "workbench for trailer-feature collaborative filtering\n"
    "TrailerLab samples frames from movie trailers, extracts deep features with\n"
    "ImageNet CNNs (VGG, MobileNetV2) through LibTorch, builds item and user\n"
    "profiles and evaluates user-based k-NN collaborative filtering (RMSE, MAE,\n"
    "ranking metrics) against baselines.\n"
    "This package holds the Qt desktop workbench (trailerlab, when built with\n"
    "Qt) and the headless command line (trailerlab-cli).")
# dpkg-shlibdeps turns the binaries' NEEDED libraries into Depends (libtorch1.13,
# libavcodec59, libqt6*, libopenblas/libblas3 ...), so the list cannot go stale.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
# libblas.so.3 is any BLAS; OpenBLAS makes LibTorch's and Eigen's products ~20x faster
# than the reference BLAS (README, conventions).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libopenblas0-pthread | libopenblas0")
string(REPLACE ";" "" CPACK_DEBIAN_PACKAGE_DESCRIPTION "${CPACK_DEBIAN_PACKAGE_DESCRIPTION}")
include(CPack)
