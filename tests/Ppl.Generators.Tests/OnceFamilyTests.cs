using Microsoft.CodeAnalysis;
using Xunit;

namespace Ppl.Generators.Tests;

/// <summary>
/// Which observations get the unrecorded Assess path (<c>ObserveOnce</c>): those the generator proves visit each
/// address at most once per run (OnceFamilies.cs). Each case must still compile.
/// </summary>
public class OnceFamilyTests
{
    private const string Signature = "public static double M(double[] ys, long big)";

    /// <summary>The numbers of the families the handler body observes through ObserveOnce, in order.</summary>
    private static List<string> Once(string body)
    {
        var (run, compile) = Harness.Run(Harness.Model(body, Signature));
        Assert.Null(run.Exception);
        Assert.Empty(compile.Where(d => d.Severity == DiagnosticSeverity.Error));
        var text = Assert.Single(run.GeneratedSources).SourceText.ToString();
        var found = new List<string>();
        for (var at = text.IndexOf(".ObserveOnce<", StringComparison.Ordinal); at >= 0; at = text.IndexOf(".ObserveOnce<", at + 1, StringComparison.Ordinal))
        {
            var open = text.IndexOf('(', at);
            found.Add(text.Substring(open + 1, text.IndexOf(',', open) - open - 1).Trim());
        }
        return found;
    }

    [Theory]
    [InlineData("for (var i = 0; i < ys.Length; i++) Observe(Normal(0, 1), ys[i], \"y\", i); return 0;")]
    [InlineData("for (int i = ys.Length - 1; i > -1; i--) Observe(Normal(0, 1), ys[i], \"y\", (i)); return 0;")]
    [InlineData("for (var i = 0; ys.Length > i; i += 1) { if (ys[i] > 5) continue; Observe(Normal(0, 1), ys[i], \"y\", i); if (ys[i] < -5) break; } return 0;")]
    [InlineData("var m = Sample(Normal(0, 1)); for (var i = 0; i < ys.Length; ++i) { var mean = m; for (var j = 0; j < 3; j++) mean += j; Observe(Normal(mean, 1), ys[i], \"y\", i); } return m;")]
    [InlineData("for (var i = 0; i < ys.Length; i++) { var c = i; Observe(Normal(0, 1), ys[c], \"y\", i); } return 0;")]
    public void AnObservationIndexedByItsOwnLoopIsProven(string body) => Assert.Equal(new[] { "0" }, Once(body));

    [Fact]
    public void AChoiceIndexedByItsOwnLoopIsProvenToo()
    {
        var (run, compile) = Harness.Run(Harness.Model(
            "var w = new double[3]; for (var j = 0; j < w.Length; j++) w[j] = Sample(Normal(0, 1), \"w\", j); " +
            "for (var i = 0; i < ys.Length; i++) Observe(Normal(w[0], 1), ys[i], \"y\", i); " +
            "var v = new double[2]; for (var r = 0; r < 2; r++) for (var j = 0; j < 2; j++) v[j] = Sample(Normal(0, 1), \"v\", j); return w[0];", Signature));
        Assert.Empty(compile.Where(d => d.Severity == DiagnosticSeverity.Error));
        var text = Assert.Single(run.GeneratedSources).SourceText.ToString();
        Assert.Contains(".SampleOnce<global::Ppl.Distributions.Normal, double>(0, \"w\", (j), (Normal(0, 1)))", text);
        Assert.Contains(".ObserveOnce<global::Ppl.Distributions.Normal, double>(1, \"y\", (i),", text);
        // v/j is visited again for every r: recorded.
        Assert.DoesNotContain("\"v\", (j)", text.Replace("(global::Ppl.AddressSegment)(\"v\"), (global::Ppl.AddressSegment)(j)", ""));
        Assert.Contains("SampleAt<global::Ppl.Distributions.Normal, double>(new global::Ppl.Address((global::Ppl.AddressSegment)(\"v\")", text);
    }

    [Fact]
    public void SeparateFamiliesAreNumbered()
    {
        Assert.Equal(new[] { "0", "1" }, Once(
            "var w = Sample(Normal(0, 1), \"w\", 0); for (var i = 0; i < ys.Length; i++) Observe(Normal(w, 1), ys[i], \"y\", i); " +
            "for (var k = 0; k < 3; k++) Observe(Normal(w, 2), ys[k], \"z\", k); return w;"));
    }

    [Theory]
    // A nested loop visits y/i again for every j.
    [InlineData("for (var i = 0; i < ys.Length; i++) for (var j = 0; j < 2; j++) Observe(Normal(0, 1), ys[i], \"y\", i); return 0;")]
    // The proven loop inside another loop runs again.
    [InlineData("for (var r = 0; r < 2; r++) { for (var i = 0; i < ys.Length; i++) Observe(Normal(0, 1), ys[i], \"y\", i); } return 0;")]
    [InlineData("var n = 0; while (n++ < 2) { for (var i = 0; i < ys.Length; i++) Observe(Normal(0, 1), ys[i], \"y\", i); } return 0;")]
    // The loop variable written in the body, taken by reference, or stepped by the condition.
    [InlineData("for (var i = 0; i < ys.Length; i++) { Observe(Normal(0, 1), ys[i], \"y\", i); if (ys[i] > 3) i--; } return 0;")]
    [InlineData("for (var i = 0; i < ys.Length; i++) { Observe(Normal(0, 1), ys[i], \"y\", i); i = Math.Max(i, 0); } return 0;")]
    [InlineData("for (var i = 0; i < ys.Length; i++) { Observe(Normal(0, 1), ys[i], \"y\", i); Touch(ref i); } return 0; static void Touch(ref int k) { }")]
    [InlineData("for (var i = 0; i < ys.Length; i++) { ref var r = ref i; Observe(Normal(0, 1), ys[i], \"y\", i); r = 0; } return 0;")]
    [InlineData("for (var i = 0; (i = i + 0) < ys.Length; i++) Observe(Normal(0, 1), ys[i], \"y\", i); return 0;")]
    [InlineData("for (var i = 0; i < ys.Length; i++) { void Back() => i--; Observe(Normal(0, 1), ys[i], \"y\", i); if (ys[i] > 3) Back(); } return 0;")]
    [InlineData("for (var i = 0; i < ys.Length; i++) { Action back = () => i--; Observe(Normal(0, 1), ys[i], \"y\", i); if (ys[i] > 3) back(); } return 0;")]
    [InlineData("for (var i = 0; i < ys.Length; i++) { Observe(Normal(0, 1), ys[i], \"y\", i); i -= ys[i] > 3 ? 1 : 0; } return 0;")]
    [InlineData("for (var i = 0; i < ys.Length; i++) { Observe(Normal(0, 1), ys[i], \"y\", i); if (ys[i] > 3) (i, _) = (i - 1, 0); } return 0;")]
    // Two sites share the family.
    [InlineData("for (var i = 0; i < ys.Length; i++) Observe(Normal(0, 1), ys[i], \"y\", i); for (var k = 0; k < 2; k++) Observe(Normal(0, 2), ys[k], \"y\", k); return 0;")]
    [InlineData("for (var i = 0; i < ys.Length; i++) Observe(Normal(0, 1), ys[i], \"y\", i); var s = Sample(Normal(0, 1), \"y\", 0); return s;")]
    [InlineData("for (var i = 0; i < ys.Length; i++) Observe(Normal(0, 1), ys[i], \"y\", i); var y = Sample(Normal(0, 1)); return y;")]
    // Another site whose first segment is computed could produce the family's name.
    [InlineData("var name = \"y\"; for (var i = 0; i < ys.Length; i++) Observe(Normal(0, 1), ys[i], \"y\", i); var s = Sample(Normal(0, 1), name, 0); return s;")]
    [InlineData("for (var i = 0; i < ys.Length; i++) Observe(Normal(0, 1), ys[i], \"y\", i); var s = Sample(Normal(0, 1), new Address(\"y\", 0)); return s;")]
    // A goto could run the site again.
    [InlineData("var again = true; start: for (var i = 0; i < ys.Length; i++) Observe(Normal(0, 1), ys[i], \"y\", i); if (again) { again = false; goto start; } return 0;")]
    // Not a canonical counting loop, or an index that is not the loop's own variable.
    [InlineData("for (var i = 0; i <= ys.Length - 1; i++) Observe(Normal(0, 1), ys[i], \"y\", i); return 0;")]
    [InlineData("for (var i = 0; i != ys.Length; i++) Observe(Normal(0, 1), ys[i], \"y\", i); return 0;")]
    [InlineData("for (var i = 0; i < big; i++) Observe(Normal(0, 1), ys[i], \"y\", i); return 0;")]
    [InlineData("for (var i = 0; i < ys.Length; i += 2) Observe(Normal(0, 1), ys[i], \"y\", i); return 0;")]
    [InlineData("for (var i = 0; i < ys.Length; i++) Observe(Normal(0, 1), ys[i], \"y\", i + 1); return 0;")]
    [InlineData("var i = 0; for (; i < ys.Length; i++) Observe(Normal(0, 1), ys[i], \"y\", i); return 0;")]
    [InlineData("for (int i = 0, n = ys.Length; i < n; i++) Observe(Normal(0, 1), ys[i], \"y\", i); return 0;")]
    [InlineData("for (var i = 0; i < ys.Length; i++, big++) Observe(Normal(0, 1), ys[i], \"y\", i); return 0;")]
    [InlineData("var k = 0; foreach (var y in ys) Observe(Normal(0, 1), y, \"y\", k++); return 0;")]
    [InlineData("for (short i = 0; i < ys.Length; i++) Observe(Normal(0, 1), ys[i], \"y\", i); return 0;")]
    public void OtherObservationsKeepTheRecordedPath(string body) => Assert.Empty(Once(body));
}
