include(CMakePackageConfigHelpers)

install(TARGETS hashsieve EXPORT hashsieveTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/hashsieve DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${HASHSIEVE_GENERATED_INCLUDE}/hashsieve/version.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/hashsieve)
if(TARGET hashsieve_cli)
  install(TARGETS hashsieve_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

set(HASHSIEVE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/hashsieve)
install(EXPORT hashsieveTargets NAMESPACE hashsieve:: DESTINATION ${HASHSIEVE_CMAKE_DIR})
configure_package_config_file(cmake/hashsieveConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/hashsieveConfig.cmake INSTALL_DESTINATION ${HASHSIEVE_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/hashsieveConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/hashsieveConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/hashsieveConfigVersion.cmake DESTINATION ${HASHSIEVE_CMAKE_DIR})
