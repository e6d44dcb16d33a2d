$HVPING --version
