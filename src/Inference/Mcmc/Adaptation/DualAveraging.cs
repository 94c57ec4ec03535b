namespace Ppl.Inference.Mcmc;

/// <summary>
/// Nesterov dual averaging of log step size towards a target acceptance statistic (Hoffman and Gelman
/// 2014, §3.2.1), with Stan's constants γ = 0.05, t₀ = 10, κ = 0.75 and μ = log(10 ε₀). Immutable.
/// </summary>
/// <param name="Mu">The shrinkage point μ.</param>
/// <param name="SBar">The running average of (δ − acceptance).</param>
/// <param name="XBar">The averaged log step size.</param>
/// <param name="Counter">Updates so far.</param>
/// <param name="Target">The target acceptance statistic δ.</param>
public sealed record DualAveraging(double Mu, double SBar, double XBar, int Counter, double Target)
{
    private const double Gamma = 0.05, T0 = 10, Kappa = 0.75;

    /// <summary>Starts (or restarts) adaptation from step size <paramref name="stepSize"/>.</summary>
    public static DualAveraging Start(double stepSize, double target) => new(Math.Log(10 * stepSize), 0, 0, 0, target);

    /// <summary>Learns from one acceptance statistic; returns the new state and the step size to use next.</summary>
    public (DualAveraging Next, double StepSize) Update(double acceptStat)
    {
        var a = double.IsNaN(acceptStat) ? 0 : Math.Min(1, acceptStat);
        var counter = Counter + 1;
        var eta = 1.0 / (counter + T0);
        var sBar = (1 - eta) * SBar + eta * (Target - a);
        var x = Mu - sBar * Math.Sqrt(counter) / Gamma;
        var xEta = Math.Pow(counter, -Kappa);
        var xBar = (1 - xEta) * XBar + xEta * x;
        return (this with { SBar = sBar, XBar = xBar, Counter = counter }, Math.Exp(x));
    }

    /// <summary>The step size to keep after warm-up: exp of the averaged iterate.</summary>
    public double FinalStepSize => Math.Exp(XBar);
}
