using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace Ppl.Inference.Diagnostics;

/// <summary>
/// The biased autocovariance γ̂ₜ = (1/N) Σᵢ (xᵢ − x̄)(xᵢ₊ₜ − x̄) of one chain for all lags, by FFT (zero
/// padded to at least 2N so the circular correlation equals the linear one), as Geyer (1992) and Stan
/// recommend.
/// </summary>
public static class Autocovariance
{
    /// <summary>γ̂ₜ for t = 0 … N−1.</summary>
    public static double[] Compute(ReadOnlySpan<double> x)
    {
        var n = x.Length;
        if (n == 0) return [];
        double mean = 0;
        foreach (var v in x) mean += v;
        mean /= n;
        var m = 1;
        while (m < 2 * n) m <<= 1;
        var buf = new Complex[m];
        for (var i = 0; i < n; i++) buf[i] = new Complex(x[i] - mean, 0);
        Fourier.Forward(buf, FourierOptions.NoScaling);
        for (var i = 0; i < m; i++) buf[i] = new Complex(buf[i].Real * buf[i].Real + buf[i].Imaginary * buf[i].Imaginary, 0);
        Fourier.Inverse(buf, FourierOptions.NoScaling);
        var acov = new double[n];
        for (var t = 0; t < n; t++) acov[t] = buf[t].Real / m / n;
        return acov;
    }
}
