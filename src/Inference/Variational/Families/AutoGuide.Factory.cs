using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>Shorthands for automatic guides with type inference.</summary>
public static class AutoGuide
{
    /// <summary>The mean-field Gaussian guide (diagonal in unconstrained space), its parameters on <paramref name="device"/> (the CPU when null) in <paramref name="dtype"/>.</summary>
    public static AutoGuide<TArgs, TRet> MeanField<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, double initScale = 0.1,
        Device? device = null, ScalarType dtype = ScalarType.Float64) =>
        new(model, args, fullRank: false, initScale, device, dtype);

    /// <summary>The full-rank Gaussian guide (Cholesky factor in unconstrained space), its parameters on <paramref name="device"/> (the CPU when null) in <paramref name="dtype"/>.</summary>
    public static AutoGuide<TArgs, TRet> FullRank<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, double initScale = 0.1,
        Device? device = null, ScalarType dtype = ScalarType.Float64) =>
        new(model, args, fullRank: true, initScale, device, dtype);
}
