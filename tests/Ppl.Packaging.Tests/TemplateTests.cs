using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace Ppl.Packaging.Tests;

/// <summary><c>dotnet new ppl-model</c> from the packed template package: installed into a private hive, created, built and run.</summary>
[Collection(PackagingCollection.Name)]
public sealed class TemplateTests(PackedFeed feed)
{
    [Fact]
    public void Dotnet_new_ppl_model_builds_runs_nuts_and_writes_a_plot()
    {
        // A private template hive: the user's own dotnet new settings are neither read nor changed.
        var hive = Path.Combine(feed.Root, "template-hive");
        var install = Cli.Dotnet(feed.Root, "new", "install", feed.Package("Ppl.Templates"), "--debug:custom-hive", hive);
        Assert.Contains("ppl-model", install, StringComparison.Ordinal);

        var folder = Path.Combine(feed.Root, "MyModel");
        Cli.Dotnet(feed.Root, "new", "ppl-model", "--output", folder, "--debug:custom-hive", hive);
        ConsumerApp.AssertOutsideAnyBuildCustomization(folder);
        Assert.Contains($"Include=\"Ppl.Plotting\" Version=\"{feed.Version}\"", File.ReadAllText(Path.Combine(folder, "MyModel.csproj")), StringComparison.Ordinal);

        var build = Cli.Dotnet(folder, "build");
        Assert.DoesNotMatch(@"warning PPL\d{4}", build);   // the template's model is clean
        var output = Cli.Dotnet(folder, Path.Combine(folder, "bin", "Debug", "net10.0", "MyModel.dll"));

        // NUTS on a location-scale model with a N(0, 10) prior: the posterior mean of μ is close to the data's mean.
        var mu = Regex.Match(output, @"mu: posterior mean (-?\d+\.\d+), the data's mean (-?\d+\.\d+); divergences (\d+)");
        Assert.True(mu.Success, output);
        var (posteriorMean, dataMean) = (Number(mu.Groups[1].Value), Number(mu.Groups[2].Value));
        Assert.InRange(posteriorMean - dataMean, -0.25, 0.25);
        // The summary's row for mu: mean, sd, 5%, 50%, 95%, mcse, ess_bulk, ess_tail, r_hat.
        var row = Regex.Match(output, @"^mu\s+(.+)$", RegexOptions.Multiline);
        Assert.True(row.Success, output);
        var cells = row.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Number).ToArray();
        Assert.Equal(9, cells.Length);
        Assert.InRange(cells[8], 0.99, 1.05);   // R-hat over 4 chains
        Assert.True(cells[6] > 200, output);    // bulk ESS of 2000 draws

        var plot = Regex.Match(output, @"posterior histograms written to (.+\.png)");
        Assert.True(plot.Success, output);
        var png = File.ReadAllBytes(plot.Groups[1].Value.Trim());
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png.Take(4).ToArray());
        Assert.True(png.Length > 10_000, $"a {png.Length}-byte PNG has no histograms in it");
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
