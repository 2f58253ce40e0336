# Prints each failed test in the given TRX files with the first lines of its message.
use strict; use warnings;
local $/;
for my $file (@ARGV) {
  open(my $fh, '<', $file) or next;
  my $xml = <$fh>;
  while ($xml =~ /<UnitTestResult\b([^>]*?)(?:\/>|>(.*?)<\/UnitTestResult>)/gs) {
    my ($attrs, $body) = ($1, $2 // '');
    next unless $attrs =~ /outcome="Failed"/;
    my ($name) = $attrs =~ /testName="([^"]*)"/;
    my ($msg) = $body =~ /<Message>(.*?)<\/Message>/s;
    for ($name, $msg) { next unless defined; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&apos;/'/g; s/&#xD;//g; s/&#xA;/\n/g; s/&amp;/&/g; }
    my @lines = grep { /\S/ } split /\n/, ($msg // '(no message)');
    print "FAILED $name\n";
    print "    $_\n" for @lines[0 .. ($#lines < 5 ? $#lines : 5)];
  }
}
