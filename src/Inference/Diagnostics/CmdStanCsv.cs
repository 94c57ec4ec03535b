using System.Globalization;
using System.Text.RegularExpressions;
using Ppl.Inference.Mcmc;

namespace Ppl.Inference.Diagnostics;

/// <summary>
/// Writes one chain's draws in CmdStan's output CSV layout (comment lines starting with <c>#</c>, a header
/// of <c>lp__, accept_stat__, stepsize__, treedepth__, n_leapfrog__, divergent__, energy__</c> and the
/// parameters, one row per kept draw), so <c>cmdstanpy</c>, <c>posterior</c> and ArviZ's
/// <c>from_cmdstan</c> can read it. Indexed names become Stan's: <c>theta[0]</c> → <c>theta.1</c>.
/// </summary>
public static partial class CmdStanCsv
{
    /// <summary>Writes chain <paramref name="chain"/> of <paramref name="result"/> to <paramref name="writer"/>.</summary>
    public static void Write(McmcResult result, int chain, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(writer);
        var ci = CultureInfo.InvariantCulture;
        writer.WriteLine("# Ppl MCMC output (CmdStan CSV layout)");
        writer.WriteLine($"# chain_id = {chain + 1}");
        writer.WriteLine($"# num_samples = {result.DrawsPerChain}");
        var header = new List<string> { "lp__", "accept_stat__", "stepsize__", "treedepth__", "n_leapfrog__", "divergent__", "energy__" };
        header.AddRange(result.Names.Select(StanName));
        writer.WriteLine(string.Join(",", header));
        for (var d = 0; d < result.DrawsPerChain; d++)
        {
            var s = result.Stats[chain][d];
            var row = new List<string>
            {
                result.LogDensities[chain][d].ToString("R", ci), s.AcceptStat.ToString("R", ci), s.StepSize.ToString("R", ci),
                s.TreeDepth.ToString(ci), s.LeapfrogSteps.ToString(ci), (s.Divergent ? 1 : 0).ToString(ci), s.Energy.ToString("R", ci),
            };
            row.AddRange(result.Draws[chain][d].Select(v => v.ToString("R", ci)));
            writer.WriteLine(string.Join(",", row));
        }
    }

    /// <summary>Stan's column name for a parameter name: zero-based brackets become one-based dotted indices.</summary>
    public static string StanName(string name) =>
        IndexPattern().Replace(name, m => "." + string.Join(".", m.Groups[1].Value.Split(',').Select(i => (int.Parse(i.Trim(), CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture))));

    [GeneratedRegex(@"\[([0-9,\s]+)\]")]
    private static partial Regex IndexPattern();
}
