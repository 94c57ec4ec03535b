using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>
/// One execution of a batched model standing for N executions: the choices (address → tensor with
/// leading dimension N), the return value, and the per-particle log joint density <see cref="Score"/> [N].
/// </summary>
/// <typeparam name="TRet">The model's return type (usually a tensor with leading dimension N).</typeparam>
public sealed class BatchedTrace<TRet>
{
    /// <summary>Creates a trace.</summary>
    public BatchedTrace(int particles, BatchedChoices choices, TRet returnValue, Tensor score)
    {
        Particles = particles;
        Choices = choices;
        Return = returnValue;
        Score = score;
    }

    /// <summary>N.</summary>
    public int Particles { get; }

    /// <summary>The choices.</summary>
    public BatchedChoices Choices { get; }

    /// <summary>The return value.</summary>
    public TRet Return { get; }

    /// <summary>The log joint density of all choices, per particle: [N].</summary>
    public Tensor Score { get; }

    /// <summary>
    /// The trace of the particles picked by <paramref name="indices"/> (an int64 tensor of length N):
    /// every per-particle choice, the score and a tensor return value are index-selected.
    /// </summary>
    public BatchedTrace<TRet> Select(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var ret = Return is Tensor t && t.dim() > 0 && t.shape[0] == Particles ? (TRet)(object)t.index_select(0, indices) : Return;
        return new BatchedTrace<TRet>((int)indices.shape[0], Choices.IndexSelect(indices, Particles), ret, Score.index_select(0, indices));
    }
}
