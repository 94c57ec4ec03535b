using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>
/// Thrown by an enumeration site that is not yet forced: the driver catches it and re-runs the whole
/// program once per support value with that value forced (earlier draws reproduce from their seeds).
/// Control flow by exception keeps user programs ordinary C# with no continuation-passing.
/// </summary>
internal sealed class BranchRequest(ViContext context, int site, List<Tensor> values) : Exception("Enumeration branch (internal control flow).")
{
    public ViContext Context { get; } = context;

    public int Site { get; } = site;

    public List<Tensor> Values { get; } = values;
}
