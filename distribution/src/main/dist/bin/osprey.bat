@echo off
rem Starts Osprey in the foreground. Ctrl-C stops it cleanly.
rem   bin\osprey.bat [--config FILE] [--set key=value]...
set "HOME_DIR=%~dp0.."
if defined JAVA_HOME (set "JAVA=%JAVA_HOME%\bin\java") else (set "JAVA=java")
if not defined OSPREY_JAVA_OPTS set "OSPREY_JAVA_OPTS=-Xms256m -XX:+UseParallelGC -XX:MetaspaceSize=64m"
"%JAVA%" %OSPREY_JAVA_OPTS% -Dosprey.home="%HOME_DIR%" -Djava.util.logging.manager=io.osprey.kernel.KernelLogManager -cp "%HOME_DIR%\lib\*" io.osprey.kernel.Main %*
