// The image Jib pushed is the one the registry held, and the registry stopped at the end.
def log = new File(basedir, 'build.log').text
def digest = new File(basedir, 'target/jib-image.digest').text.trim()
assert digest.startsWith('sha256:')
assert log.contains('Berth listening on http://127.0.0.1:')
assert log.contains("Berth held it/app (tags: 1=${digest})") : "the registry held Jib's image ${digest}"
assert log.contains('Berth stopped at http://127.0.0.1:')
