# Writes a C++ source defining `extern "C" const char ${SYMBOL}[]` holding the text of ${INPUT}.
file(READ "${INPUT}" text)
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT}. Do not edit.\nextern \"C\" const char ${SYMBOL}[];\nextern \"C\" const char ${SYMBOL}[] = R\"JCTEXT(${text})JCTEXT\";\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
