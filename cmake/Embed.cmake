# andel_embed(OUT BASE files...): writes OUT, a C++ file that defines andel::embedded::Files(),
# mapping each file's path relative to BASE to its contents.
function(andel_embed out base)
  set(files ${ARGN})
  string(REPLACE ";" "|" files_arg "${files}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DBASE=${base} "-DFILES=${files_arg}" -P
            ${CMAKE_SOURCE_DIR}/cmake/EmbedScript.cmake
    DEPENDS ${files} ${CMAKE_SOURCE_DIR}/cmake/EmbedScript.cmake
    COMMENT "Embedding migrations and API description"
    VERBATIM)
endfunction()
