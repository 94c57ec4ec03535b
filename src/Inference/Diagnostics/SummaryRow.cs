namespace Ppl.Inference.Diagnostics;

/// <summary>One parameter's line of a <see cref="Summary"/>.</summary>
/// <param name="Name">The parameter.</param>
/// <param name="Mean">Posterior mean.</param>
/// <param name="Sd">Posterior standard deviation.</param>
/// <param name="Q5">5% quantile.</param>
/// <param name="Median">Median.</param>
/// <param name="Q95">95% quantile.</param>
/// <param name="McseMean">MCSE of the mean.</param>
/// <param name="McseQ5">MCSE of the 5% quantile.</param>
/// <param name="McseQ95">MCSE of the 95% quantile.</param>
/// <param name="EssBulk">Bulk ESS.</param>
/// <param name="EssTail">Tail ESS.</param>
/// <param name="Rhat">Rank-normalised split R-hat.</param>
public readonly record struct SummaryRow(string Name, double Mean, double Sd, double Q5, double Median, double Q95,
    double McseMean, double McseQ5, double McseQ95, double EssBulk, double EssTail, double Rhat);
