using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>Validates the "exactly one of probs and logits" convention of the discrete families.</summary>
internal static class ProbsOrLogits
{
    public static Tensor One(Tensor? probs, Tensor? logits)
    {
        if ((probs is null) == (logits is null))
            throw new ArgumentException("Give exactly one of probs and logits.", probs is null ? nameof(probs) : nameof(logits));
        return (probs ?? logits)!;
    }

    public static string? Logits(string name, Tensor logits)
    {
        // One reduction without a temporary in the usual case: a sum that is neither NaN nor +inf rules out
        // NaN and +inf terms (a sum that overflows just falls through to the exact checks).
        var s = Sum(logits);
        if (!double.IsNaN(s) && !double.IsPositiveInfinity(s)) return null;
        return TensorChecks.First(() => logits.isnan().any().item<bool>() ? $"{name} must not be NaN, got NaN" : null,
            () => logits.Eq(double.PositiveInfinity).any().item<bool>() ? $"{name} must be less than +inf, got +inf" : null);
    }

    private static double Sum(Tensor logits)
    {
        using var ng = no_grad();
        using var sum = logits.sum();
        return TensorChecks.Item(sum);
    }

    public static Tensor IsInteger(Tensor x) => x.eq(x.floor());
}
