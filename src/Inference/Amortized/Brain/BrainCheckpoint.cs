using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// Saves and restores the state of an offline distillation run at a round boundary: the step, the
/// family's parameters, Adam's moments and the running log-normaliser estimates. Written to a temporary
/// file and renamed, so an interrupted write never leaves a corrupt checkpoint.
/// </summary>
public static class BrainCheckpoint
{
    private const string Magic = "ppl-brain-checkpoint-v1";

    /// <summary>Writes a checkpoint.</summary>
    public static void Save(string path, int step, IReadOnlyList<Tensor> parameters, Optimization.AdamWOptimizer optimizer, IReadOnlyDictionary<int, (double LogSum, long Count)> normalizers)
    {
        ArgumentNullException.ThrowIfNull(path);
        var temp = path + ".tmp";
        using (var stream = File.Create(temp))
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(step);
            writer.Write(parameters.Count);
            foreach (var p in parameters) p.detach().cpu().Save(writer);
            optimizer.Save(writer);
            writer.Write(normalizers.Count);
            foreach (var (k, (s, c)) in normalizers.OrderBy(kv => kv.Key))
            {
                writer.Write(k);
                writer.Write(s);
                writer.Write(c);
            }
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a checkpoint into <paramref name="parameters"/> and <paramref name="optimizer"/>; returns the step and normalisers.</summary>
    public static (int Step, Dictionary<int, (double LogSum, long Count)> Normalizers) Load(string path, IReadOnlyList<Tensor> parameters, Optimization.AdamWOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        if (reader.ReadString() != Magic) throw new InvalidDataException($"'{path}' is not a BRAIn checkpoint.");
        var step = reader.ReadInt32();
        var count = reader.ReadInt32();
        if (count != parameters.Count) throw new InvalidDataException($"The checkpoint has {count} parameter tensors; the family has {parameters.Count}.");
        using (no_grad())
        {
            for (var k = 0; k < count; k++)
            {
                using var t = Tensor.Load(reader);
                if (!t.shape.SequenceEqual(parameters[k].shape))
                    throw new InvalidDataException($"Parameter {k} has shape [{string.Join(", ", t.shape)}] in the checkpoint, [{string.Join(", ", parameters[k].shape)}] in the family.");
                parameters[k].copy_(t);
            }
        }
        optimizer.Load(reader);
        var normalizers = new Dictionary<int, (double, long)>();
        var m = reader.ReadInt32();
        for (var i = 0; i < m; i++) normalizers[reader.ReadInt32()] = (reader.ReadDouble(), reader.ReadInt64());
        return (step, normalizers);
    }
}
