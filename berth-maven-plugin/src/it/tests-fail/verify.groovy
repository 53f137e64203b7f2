// The test reached the registry through ${berth.url} and failed; the registry stopped before the build failed.
def log = new File(basedir, 'build.log').text
assert log.contains('registry answered 201 for sha256:')
assert log.contains('second registry answered 404')
assert log.count('Berth stopped at http://127.0.0.1:') == 2 : 'both registries stopped'
def stopped = log.indexOf('Berth stopped at http://127.0.0.1:')
assert stopped > 0 : 'berth:stop ran'
assert log.indexOf('BUILD FAILURE') > stopped : 'the build failed after the registry stopped'
assert log.contains('There are test failures')
def blobs = new File(basedir, 'target/berth-data')
assert blobs.isDirectory() && blobs.listFiles().length > 0 : 'the disk storage kept its data'
