// Jib refuses to push when Maven runs offline, even to loopback: skip this build under mvn -o
// (the selector runs in the Maven JVM that runs the plugin's build).
def words = (System.getProperty('sun.java.command') ?: '').split(/\s+/) as List
return !(words.contains('-o') || words.contains('--offline'))
